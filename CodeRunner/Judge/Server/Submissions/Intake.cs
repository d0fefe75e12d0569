using System.Threading.Channels;
using CodeRunner.Storage;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// Accepting is store, then enqueue, for many requests at once: the requests that arrive while a
/// batch is being accepted make up the next one, so a busy server pays one INSERT and one queue
/// call for many submissions, and an idle one adds no delay. A request's submissions are accepted
/// whole or refused: when the queue is full (MAX_QUEUE_SIZE) or cannot be reached, the rows just
/// stored are removed again, so nothing is left In Queue with nothing to deliver it. Every request
/// of a failed batch gets the failure it would have had alone.
/// </summary>
internal sealed class Intake : IAsyncDisposable
{
    /// <summary>Submissions per batch; a request's own submissions are never split.</summary>
    internal const int MaxBatchSize = 200;

    /// <summary>How long a queue length learnt from an enqueue may stand in for asking the queue.</summary>
    private static readonly TimeSpan KnownWaitingFor = TimeSpan.FromSeconds(1);

    private readonly ISubmissionStore _store;
    private readonly IJobQueue _queue;
    private readonly JudgeOptions _options;
    private readonly ILogger<Intake> _logger;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private KnownWaiting? _known;
    private long _batches;

    public Intake(ISubmissionStore store, IJobQueue queue, JudgeOptions options, ILogger<Intake> logger)
    {
        _store = store;
        _queue = queue;
        _options = options;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Stores and enqueues <paramref name="submissions"/> in <paramref name="caller"/>'s lane: true once both are done, false when the
    /// queue had no room for them (nothing kept). Throws what the store or the queue threw.
    /// </summary>
    public Task<bool> AcceptAsync(IReadOnlyList<Submission> submissions, string caller = FairShare.Unattributed)
    {
        var pending = new Pending(submissions, caller, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(Intake));
        }
        return pending.Done.Task;
    }

    /// <summary>Batches accepted or failed so far (each is one INSERT and one enqueue, or one failure).</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    /// <summary>
    /// Judge0's check before anything is read: would <paramref name="adding"/> more jobs take the
    /// queue past MAX_QUEUE_SIZE? A length learnt from a recent enqueue answers "no" without a
    /// round trip; anything else asks the queue. The enqueue itself enforces the limit exactly.
    /// </summary>
    public async ValueTask<bool> IsFullAsync(int adding, CancellationToken ct)
    {
        var known = Volatile.Read(ref _known);
        if (known is not null && Stopwatch.GetElapsedTime(known.At) < KnownWaitingFor && known.Waiting + adding <= _options.MaxQueueSize)
        {
            return false;
        }
        var waiting = await _queue.CountAsync(ct);
        Volatile.Write(ref _known, new KnownWaiting(waiting, Stopwatch.GetTimestamp()));
        return waiting + adding > _options.MaxQueueSize;
    }

    private async Task RunAsync()
    {
        var reader = _pending.Reader;
        var batch = new List<Pending>();
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            var size = 0;
            while (reader.TryPeek(out var next) && (batch.Count == 0 || size + next.Submissions.Count <= MaxBatchSize) && reader.TryRead(out next))
            {
                batch.Add(next);
                size += next.Submissions.Count;
            }
            Interlocked.Increment(ref _batches);
            try
            {
                await AcceptBatchAsync(batch);
            }
            catch (Exception e)
            {
                // Never reached by design; if it is, the batch's requests fail rather than hang.
                _logger.LogError(e, "Accepting a batch of {Count} request(s) failed", batch.Count);
                Fail(batch, e);
            }
        }
    }

    private async Task AcceptBatchAsync(IReadOnlyList<Pending> batch)
    {
        var submissions = batch.Count == 1 ? batch[0].Submissions : batch.SelectMany(p => p.Submissions).ToList();
        try
        {
            // Not the requests' tokens: one client going away must not cancel the others' rows.
            await _store.InsertAsync(submissions, CancellationToken.None);
        }
        catch (Exception e) when (batch.Count > 1 && !StorageFailures.IsUnavailable(e))
        {
            // Not an outage, so maybe one request's rows: each request alone, as without batching.
            foreach (var pending in batch)
            {
                await AcceptBatchAsync([pending]);
            }
            return;
        }
        catch (Exception e)
        {
            Fail(batch, e);
            return;
        }

        GroupsEnqueued enqueued;
        try
        {
            enqueued = await _queue.EnqueueGroupsAsync(batch.Select(p => new JobGroup(p.Caller, Tokens(p.Submissions))).ToList(), _options.MaxQueueSize, CancellationToken.None);
        }
        catch (Exception e)
        {
            if (StorageFailures.IsUnavailable(e))
            {
                await DeleteAsync(Tokens(submissions));
            }
            Fail(batch, e);
            return;
        }
        Volatile.Write(ref _known, new KnownWaiting(enqueued.Waiting, Stopwatch.GetTimestamp()));

        var refused = batch.Where((_, i) => !enqueued.Accepted[i]).ToList();
        if (refused.Count > 0)
        {
            await DeleteAsync(Tokens(refused.SelectMany(p => p.Submissions).ToList()));
        }
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(enqueued.Accepted[i]);
        }
    }

    private async Task DeleteAsync(IReadOnlyList<string> tokens)
    {
        try
        {
            await _store.DeleteManyAsync(tokens, CancellationToken.None);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            // The database is down too; the rows stay In Queue until the reconciler re-queues them.
        }
    }

    private static void Fail(IEnumerable<Pending> batch, Exception e)
    {
        foreach (var pending in batch)
        {
            pending.Done.TrySetException(e);
        }
    }

    private static IReadOnlyList<string> Tokens(IReadOnlyList<Submission> submissions) => submissions.Select(s => s.Token).ToList();

    /// <summary>Takes no more requests and finishes the ones already taken.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop;
    }

    private sealed record Pending(IReadOnlyList<Submission> Submissions, string Caller, TaskCompletionSource<bool> Done);

    private sealed record KnownWaiting(long Waiting, long At);
}
