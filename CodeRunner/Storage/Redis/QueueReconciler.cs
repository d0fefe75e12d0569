using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// The database is the record of what was accepted; Redis only delivers it. If Redis loses data
/// (a restart without persistence, a failover), submissions would wait In Queue forever: every
/// round, one process compares the unfinished submissions with the tokens the queue holds and
/// re-queues the missing ones. A token queued twice is harmless: the worker finds it finished.
/// A loss is also noticed within seconds, not a round: Redis holds an epoch key that only a data
/// loss removes. The process that puts it back re-queues at once everything unfinished that was
/// accepted before, whatever its age (a create still between insert and enqueue may then be
/// queued twice, which is harmless).
/// </summary>
internal sealed class QueueReconciler(
    RedisJobQueue queue, ISubmissionStore store, IConnectionMultiplexer redis, RedisOptions options, ILogger<QueueReconciler> logger) : BackgroundService
{
    private readonly RedisKeys _keys = new(options.RedisPrefix);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var check = TimeSpan.FromSeconds(Math.Min(options.EpochCheckSeconds, options.ReconcileSeconds));
        using var timer = new PeriodicTimer(check);
        var lastRound = Stopwatch.StartNew();
        try
        {
            do
            {
                try
                {
                    if (await RestoreEpochAsync())
                    {
                        await ReconcileAfterLossAsync(stoppingToken);
                    }
                    if (lastRound.Elapsed.TotalSeconds >= options.ReconcileSeconds)
                    {
                        lastRound.Restart();
                        await ReconcileOnceAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (StorageFailures.IsUnavailable(e))
                {
                    logger.LogDebug("Reconciling skipped: {Error}", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// True when the epoch key was missing and this process put it back: Redis is new or lost its
    /// data (a first start of a deployment also lands here, and finds nothing unfinished).
    /// </summary>
    private Task<bool> RestoreEpochAsync() =>
        redis.GetDatabase().StringSetAsync(_keys.Epoch, $"{Environment.MachineName}:{Environment.ProcessId}:{DateTimeOffset.UtcNow:O}", when: When.NotExists);

    private async Task ReconcileAfterLossAsync(CancellationToken ct)
    {
        try
        {
            var unfinished = await store.ListUnfinishedTokensAsync(DateTimeOffset.UtcNow, ct);
            if (unfinished.Count > 0)
            {
                logger.LogWarning("Redis had no epoch key (it restarted without its data, or is new): checking {Count} unfinished submission(s) now", unfinished.Count);
                await RequeueMissingAsync(unfinished, ct);
            }
        }
        catch
        {
            // Not done (the database or Redis went away): the next check, here or elsewhere, does it again.
            await redis.GetDatabase().KeyDeleteAsync(_keys.Epoch, CommandFlags.FireAndForget);
            throw;
        }
    }

    /// <summary>Returns how many submissions were re-queued (0 when another process holds this round).</summary>
    internal async Task<int> ReconcileOnceAsync(CancellationToken ct)
    {
        var round = TimeSpan.FromSeconds(Math.Max(1, options.ReconcileSeconds * 0.9));
        if (!await redis.GetDatabase().StringSetAsync(_keys.ReconcileLock, Environment.ProcessId, round, When.NotExists))
        {
            return 0;
        }
        // Database first: a submission that finishes in between is then simply not missing.
        var unfinished = await store.ListUnfinishedTokensAsync(DateTimeOffset.UtcNow.AddSeconds(-options.ReconcileAgeSeconds), ct);
        if (unfinished.Count == 0)
        {
            return 0;
        }
        return await RequeueMissingAsync(unfinished, ct);
    }

    private async Task<int> RequeueMissingAsync(IReadOnlyList<string> unfinished, CancellationToken ct)
    {
        var known = await queue.KnownTokensAsync();
        var missing = unfinished.Where(t => !known.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            await queue.EnqueueAsync(FairShare.Unattributed, missing, ct);
            logger.LogWarning("Re-queued {Count} unfinished submission(s) the queue had lost", missing.Count);
        }
        return missing.Count;
    }
}
