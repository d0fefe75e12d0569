namespace CodeRunner.Storage.InProcess;

/// <summary>Per-caller lanes in <see cref="FairShare"/> order. Not thread-safe: the queue locks around it.</summary>
internal sealed class FairLanes
{
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private long _served;
    private string? _servedLast;

    /// <summary>Jobs waiting in every lane.</summary>
    public int Count { get; private set; }

    public void Add(string caller, string token, int attempt)
    {
        LaneOf(caller, () => FairShare.JoinScore(_served, caller == _servedLast)).Jobs.AddLast((token, attempt));
        Count++;
    }

    /// <summary>Back at the head of its lane, and the lane first in line: it has waited longest.</summary>
    public void PutBack(string caller, string token, int attempt)
    {
        var join = FairShare.JoinScore(_served, caller == _servedLast);
        var first = _lanes.Count == 0 ? join : Math.Min(join, _lanes.Values.Min(l => l.Score) - 1);
        var lane = LaneOf(caller, () => first);
        lane.Score = first;
        lane.Jobs.AddFirst((token, attempt));
        Count++;
    }

    /// <summary>The head of the lane served least recently; only called when <see cref="Count"/> &gt; 0.</summary>
    public (string Caller, string Token, int Attempt) Take()
    {
        var (caller, lane) = _lanes.MinBy(l => (l.Value.Score, l.Value.Joined));
        var (token, attempt) = lane.Jobs.First!.Value;
        lane.Jobs.RemoveFirst();
        Count--;
        _served++;
        _servedLast = caller;
        if (lane.Jobs.Count == 0)
        {
            _lanes.Remove(caller);
        }
        else
        {
            lane.Score = _served;
        }
        return (caller, token, attempt);
    }

    private Lane LaneOf(string caller, Func<double> score)
    {
        if (!_lanes.TryGetValue(caller, out var lane))
        {
            lane = new Lane { Score = score(), Joined = _joined++ };
            _lanes[caller] = lane;
        }
        return lane;
    }

    private long _joined;

    private sealed class Lane
    {
        public LinkedList<(string Token, int Attempt)> Jobs { get; } = new();

        public double Score { get; set; }

        /// <summary>Breaks ties between lanes that joined after the same claim: first come, first served.</summary>
        public long Joined { get; init; }
    }
}
