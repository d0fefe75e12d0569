using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// The database is the record of what was accepted; Redis only delivers it. If Redis loses data
/// (a restart without persistence, a failover), submissions would wait In Queue forever: every
/// round, one process compares the unfinished submissions with the tokens the queue holds and
/// re-queues the missing ones. A token queued twice is harmless: the worker finds it finished.
/// </summary>
internal sealed class QueueReconciler(
    RedisJobQueue queue, ISubmissionStore store, IConnectionMultiplexer redis, RedisOptions options, ILogger<QueueReconciler> logger) : BackgroundService
{
    private readonly RedisKeys _keys = new(options.RedisPrefix);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.ReconcileSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReconcileOnceAsync(stoppingToken);
                }
                catch (Exception e) when (StorageFailures.IsUnavailable(e))
                {
                    logger.LogDebug("Reconciling skipped: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
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
        var known = await queue.KnownTokensAsync();
        var missing = unfinished.Where(t => !known.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            await queue.EnqueueAsync(missing, ct);
            logger.LogWarning("Re-queued {Count} unfinished submission(s) the queue had lost", missing.Count);
        }
        return missing.Count;
    }
}
