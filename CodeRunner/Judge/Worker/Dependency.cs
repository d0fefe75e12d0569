using CodeRunner.Storage;

namespace CodeRunner.Judge.Worker;

/// <summary>Waits out an outage of a store or the queue instead of losing work to it.</summary>
internal static class Dependency
{
    public static async Task RetryAsync(Func<Task> operation, ILogger logger, CancellationToken ct) =>
        await RetryAsync(async () =>
        {
            await operation();
            return true;
        }, logger, ct);

    public static async Task<T> RetryAsync<T>(Func<Task<T>> operation, ILogger logger, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (Exception e) when (StorageFailures.IsUnavailable(e) && !ct.IsCancellationRequested)
            {
                logger.LogWarning("A store or the queue is unavailable ({Error}); retrying in {Delay} ms", e.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }
}
