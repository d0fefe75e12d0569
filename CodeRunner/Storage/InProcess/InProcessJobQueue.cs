using System.Collections.Concurrent;
using System.Threading.Channels;

namespace CodeRunner.Storage.InProcess;

/// <summary>
/// The embedded queue: a channel of waiting jobs plus the set of claimed ones. It lives and dies
/// with the process, so it only works when the server and worker share one (`--role all`).
/// </summary>
internal sealed class InProcessJobQueue : IJobQueue
{
    private readonly Channel<(string Token, int Attempt)> waiting = Channel.CreateUnbounded<(string, int)>();
    private readonly ConcurrentDictionary<string, (ClaimedJob Job, string WorkerId)> claimed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> deadLetters = new(StringComparer.Ordinal);
    private readonly Lock enqueueLock = new();

    public async ValueTask EnqueueAsync(IReadOnlyList<string> tokens, CancellationToken ct)
    {
        foreach (var token in tokens)
        {
            await waiting.Writer.WriteAsync((token, 1), ct);
        }
    }

    public ValueTask<GroupsEnqueued> EnqueueGroupsAsync(IReadOnlyList<IReadOnlyList<string>> groups, long maxWaiting, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var accepted = new bool[groups.Count];
        // The unbounded channel takes every write at once; the lock makes check and write one step.
        lock (enqueueLock)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                if (waiting.Reader.Count + groups[g].Count > maxWaiting)
                {
                    continue;
                }
                foreach (var token in groups[g])
                {
                    waiting.Writer.TryWrite((token, 1));
                }
                accepted[g] = true;
            }
            return ValueTask.FromResult(new GroupsEnqueued(accepted, waiting.Reader.Count));
        }
    }

    public async ValueTask<ClaimedJob> ClaimAsync(string workerId, CancellationToken ct)
    {
        var (token, attempt) = await waiting.Reader.ReadAsync(ct);
        var job = new ClaimedJob(token, attempt, Guid.NewGuid().ToString("N"));
        claimed[job.Receipt] = (job, workerId);
        return job;
    }

    public ValueTask CompleteAsync(ClaimedJob job, CancellationToken ct)
    {
        claimed.TryRemove(job.Receipt, out _);
        return ValueTask.CompletedTask;
    }

    public async ValueTask ReleaseAsync(ClaimedJob job, CancellationToken ct)
    {
        // Only a job still claimed goes back: releasing twice must not run it twice.
        if (claimed.TryRemove(job.Receipt, out _))
        {
            await waiting.Writer.WriteAsync((job.Token, job.Attempt), ct);
        }
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

    public ValueTask<long> CountAsync(CancellationToken ct) => ValueTask.FromResult((long)waiting.Reader.Count);

    /// <summary>Jobs claimed and not yet completed or released.</summary>
    internal int ClaimedCount => claimed.Count;
}
