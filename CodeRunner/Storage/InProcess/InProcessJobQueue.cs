using System.Collections.Concurrent;

namespace CodeRunner.Storage.InProcess;

/// <summary>
/// The embedded queue: per-caller lanes served in <see cref="FairShare"/> order, plus the set of
/// claimed jobs. It lives and dies with the process, so it only works when the server and worker
/// share one (`--role all`).
/// </summary>
internal sealed class InProcessJobQueue : IJobQueue
{
    private readonly FairLanes lanes = new();
    // One permit per waiting job: a claimer holding one is sure to find a job in the lanes.
    private readonly SemaphoreSlim available = new(0);
    private readonly ConcurrentDictionary<string, (ClaimedJob Job, string Caller)> claimed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> deadLetters = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public ValueTask EnqueueAsync(IReadOnlyList<string> tokens, CancellationToken ct) => EnqueueAsync(FairShare.Unattributed, tokens, ct);

    public ValueTask EnqueueAsync(string caller, IReadOnlyList<string> tokens, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (gate)
        {
            foreach (var token in tokens)
            {
                lanes.Add(caller, token, 1);
            }
        }
        Signal(tokens.Count);
        return ValueTask.CompletedTask;
    }

    public ValueTask<GroupsEnqueued> EnqueueGroupsAsync(IReadOnlyList<JobGroup> groups, long maxWaiting, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var accepted = new bool[groups.Count];
        var added = 0;
        long waiting;
        // Check and add are one step, so the limit holds against concurrent enqueuers.
        lock (gate)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                if (lanes.Count + groups[g].Tokens.Count > maxWaiting)
                {
                    continue;
                }
                foreach (var token in groups[g].Tokens)
                {
                    lanes.Add(groups[g].Caller, token, 1);
                }
                added += groups[g].Tokens.Count;
                accepted[g] = true;
            }
            waiting = lanes.Count;
        }
        Signal(added);
        return ValueTask.FromResult(new GroupsEnqueued(accepted, waiting));
    }

    public async ValueTask<ClaimedJob> ClaimAsync(string workerId, CancellationToken ct)
    {
        await available.WaitAsync(ct);
        (string Caller, string Token, int Attempt) next;
        lock (gate)
        {
            next = lanes.Take();
        }
        var job = new ClaimedJob(next.Token, next.Attempt, Guid.NewGuid().ToString("N"));
        claimed[job.Receipt] = (job, next.Caller);
        return job;
    }

    public ValueTask CompleteAsync(ClaimedJob job, CancellationToken ct)
    {
        claimed.TryRemove(job.Receipt, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(ClaimedJob job, CancellationToken ct)
    {
        // Only a job still claimed goes back: releasing twice must not run it twice.
        if (claimed.TryRemove(job.Receipt, out var held))
        {
            lock (gate)
            {
                lanes.PutBack(held.Caller, job.Token, job.Attempt);
            }
            Signal(1);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DeadLetterAsync(ClaimedJob job, string reason, CancellationToken ct)
    {
        if (claimed.TryRemove(job.Receipt, out _))
        {
            deadLetters[job.Token] = reason;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Tokens taken out of circulation, with why.</summary>
    internal IReadOnlyDictionary<string, string> DeadLetters => deadLetters;

    public ValueTask<long> CountAsync(CancellationToken ct)
    {
        lock (gate)
        {
            return ValueTask.FromResult((long)lanes.Count);
        }
    }

    /// <summary>Jobs claimed and not yet completed or released.</summary>
    internal int ClaimedCount => claimed.Count;

    private void Signal(int jobs)
    {
        if (jobs > 0)
        {
            available.Release(jobs);
        }
    }
}
