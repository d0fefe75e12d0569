using CodeRunner.Judge.Worker.Execution;
using CodeRunner.Judge.Worker.Languages;
using CodeRunner.Sandbox;
using CodeRunner.Storage;

namespace CodeRunner.Judge.Worker;

/// <summary>
/// The worker loop: publishes the languages found on this machine, then one loop per slot claims
/// a job, executes it, stores the final result once, wakes waiters and completes the job. On
/// stop it claims nothing new, lets running jobs finish for a grace period, then hands the rest back.
/// </summary>
internal sealed class WorkerService(
    IJobQueue queue,
    ISubmissionStore submissions,
    ILanguageStore languageStore,
    ICompletionSignal completion,
    IWorkerRegistry registry,
    ToolchainDetector detector,
    LanguageRegistry languages,
    SubmissionExecutor executor,
    ISandbox sandbox,
    IOptions<WorkerOptions> options,
    ILogger<WorkerService> logger) : IHostedService
{
    private readonly string _id = $"{System.Environment.MachineName}:{System.Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private readonly CancellationTokenSource _stopClaiming = new();
    private readonly CancellationTokenSource _abortRuns = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;
    private int _busy;
    private long _failed;

    public string Id => _id;

    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Completes once the languages are published and the slots are claiming.</summary>
    public Task Ready => _ready.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopClaiming.CancelAsync();
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(TimeSpan.FromSeconds(options.Value.StopGraceSeconds));
        try
        {
            await _running.WaitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stop grace period over: handing {Busy} running job(s) back to the queue", Busy);
            await _abortRuns.CancelAsync();
            await _running;
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopClaiming.Token;
        try
        {
            languages.Set(await detector.DetectAsync(LanguageCatalog.All, stopping));
            await languageStore.PublishAsync(languages.All.Select(l => l.Info).ToList(), stopping);
            var slots = sandbox.Slots;
            var heartbeat = HeartbeatAsync(slots, stopping);
            var loops = Enumerable.Range(0, slots).Select(slot => SlotLoopAsync(slot, stopping)).ToList();
            logger.LogInformation("Worker {Id} claiming jobs with {Slots} slot(s)", _id, slots);
            _ready.TrySetResult();
            await Task.WhenAll(loops);
            await heartbeat;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            _ready.TrySetCanceled(stopping);
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "Worker failed to start");
            _ready.TrySetException(e);
        }
    }

    private async Task SlotLoopAsync(int slot, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            ClaimedJob job;
            try
            {
                job = await queue.ClaimAsync(_id, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError("Slot {Slot}: claiming failed ({Error}); retrying", slot, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                continue;
            }
            Interlocked.Increment(ref _busy);
            try
            {
                await ProcessAsync(slot, job);
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }
    }

    private async Task ProcessAsync(int slot, ClaimedJob job)
    {
        var abort = _abortRuns.Token;
        try
        {
            var submission = await Dependency.RetryAsync(() => submissions.GetAsync(job.Token, abort), logger, abort);
            if (submission is null || Status.FromId(submission.StatusId).IsFinal)
            {
                await Dependency.RetryAsync(() => queue.CompleteAsync(job, abort).AsTask(), logger, abort);
                return;
            }
            if (job.Attempt > options.Value.MaxAttempts)
            {
                await DeadLetterAsync(job, abort);
                return;
            }
            await Dependency.RetryAsync(() => submissions.MarkProcessingAsync(job.Token, _id, DateTimeOffset.UtcNow, abort), logger, abort);
            ExecutionReport report;
            try
            {
                report = await executor.ExecuteAsync(submission, slot, abort);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failed);
                logger.LogError(e, "Submission {Token} failed in the worker", job.Token);
                report = ExecutionReport.Internal("the worker failed to execute this submission");
            }
            await FinishAsync(job, ResultOf(job.Token, report), abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            await queue.ReleaseAsync(job, CancellationToken.None);
            logger.LogInformation("Submission {Token} handed back to the queue", job.Token);
        }
        catch (Exception e)
        {
            // Not an outage (those are retried): hand the job back so it is not stuck claimed.
            Interlocked.Increment(ref _failed);
            logger.LogError(e, "Submission {Token}: handing it back after an unexpected failure", job.Token);
            await queue.ReleaseAsync(job, CancellationToken.None);
        }
    }

    private Task FinishAsync(ClaimedJob job, SubmissionResult result, CancellationToken abort) =>
        SettleAsync(job, result, () => queue.CompleteAsync(job, abort), abort);

    /// <summary>A job that was claimed MaxAttempts times without finishing kept killing its workers.</summary>
    private Task DeadLetterAsync(ClaimedJob job, CancellationToken abort)
    {
        var message = $"this submission was abandoned by {job.Attempt - 1} workers that stopped while running it; it will not be run again";
        logger.LogWarning("Submission {Token}: dead-lettered after {Attempts} attempts", job.Token, job.Attempt - 1);
        return SettleAsync(job, ResultOf(job.Token, ExecutionReport.Internal(message)), () => queue.DeadLetterAsync(job, message, abort), abort);
    }

    /// <summary>Stores the final result once, wakes waiters, then takes the job off the queue; outages are waited out.</summary>
    private async Task SettleAsync(ClaimedJob job, SubmissionResult result, Func<ValueTask> takeOffQueue, CancellationToken abort)
    {
        if (await Dependency.RetryAsync(() => submissions.SaveResultAsync(result, abort), logger, abort))
        {
            logger.LogInformation("Submission {Token} finished: status {Status} (attempt {Attempt})", job.Token, result.StatusId, job.Attempt);
            Hosting.Ops.OpsMetrics.RunFinished(result.StatusId);
        }
        await Dependency.RetryAsync(() => completion.NotifyAsync(job.Token, abort).AsTask(), logger, abort);
        await Dependency.RetryAsync(() => takeOffQueue().AsTask(), logger, abort);
    }

    private SubmissionResult ResultOf(string token, ExecutionReport r) => new(
        token, r.Status.Id, r.Stdout, r.Stderr, r.CompileOutput, r.Message,
        r.Time, r.WallTime, r.Memory, r.ExitCode, r.ExitSignal, DateTimeOffset.UtcNow, _id);

    private async Task HeartbeatAsync(int slots, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HeartbeatSeconds));
        do
        {
            try
            {
                await registry.HeartbeatAsync(
                    new WorkerState(_id, System.Environment.MachineName, slots, Busy, Paused: false, Interlocked.Read(ref _failed), DateTimeOffset.UtcNow),
                    stopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Heartbeat failed: {Error}", e.Message);
            }
        }
        while (await WaitAsync(timer, stopping));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
