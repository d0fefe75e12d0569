using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// Subscribes the queue's and the signal's channels at start, then re-queues expired claims (jobs
/// of workers that died) every third of the visibility timeout. Every process runs it; the sweep is
/// one atomic script, so running it in several processes re-queues each claim once.
/// </summary>
internal sealed class RedisQueueMaintenance(
    RedisJobQueue queue, RedisCompletionSignal signal, RedisOptions options, ILogger<RedisQueueMaintenance> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SubscribeAsync(queue.StartAsync);
        await SubscribeAsync(signal.StartAsync);
        await base.StartAsync(cancellationToken);
    }

    private async Task SubscribeAsync(Func<Task> subscribe)
    {
        try
        {
            await subscribe();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Not fatal: the process starts without Redis, and StackExchange.Redis keeps the
            // subscription and establishes it on (re)connect.
            logger.LogWarning("Redis unavailable at start ({Error}); subscribing when it is back", e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SweepInterval);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var requeued = await queue.RequeueExpiredAsync();
                    if (requeued > 0)
                    {
                        logger.LogWarning("Re-queued {Count} job(s) whose worker stopped renewing its claim", requeued);
                    }
                    failing = false;
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Once per outage, not once per tick.
                    if (!failing)
                    {
                        logger.LogWarning("Re-queueing expired claims failed: {Error}", e.Message);
                    }
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
