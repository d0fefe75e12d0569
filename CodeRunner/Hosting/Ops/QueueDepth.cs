using System.Diagnostics.Metrics;
using CodeRunner.Storage;

namespace CodeRunner.Hosting.Ops;

/// <summary>
/// The queue depth gauge of a judge-server. The queue is counted (asynchronously, via IJobQueue)
/// just before each scrape of /metrics; the gauge reports that count, or nothing when the queue
/// could not be counted, rather than a made-up zero.
/// </summary>
internal sealed class QueueDepth
{
    private readonly IJobQueue _queue;
    private readonly ILogger<QueueDepth> _logger;
    private long _depth = -1;

    public QueueDepth(IJobQueue queue, IMeterFactory meters, ILogger<QueueDepth> logger)
    {
        _queue = queue;
        _logger = logger;
        // The factory owns the meter and disposes it with the container.
        meters.Create(OpsMetrics.MeterName).CreateObservableGauge("coderunner.queue.depth", Observe, "{job}", "Submissions waiting in the job queue to be claimed by a worker");
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            Interlocked.Exchange(ref _depth, await _queue.CountAsync(timeout.Token));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _depth, -1);
            // The type only: a store's message can name hosts and users.
            _logger.LogWarning("Queue depth unknown for /metrics: {Error}", e is OperationCanceledException ? "timed out" : e.GetType().Name);
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        var depth = Interlocked.Read(ref _depth);
        return depth < 0 ? [] : [new Measurement<long>(depth)];
    }
}
