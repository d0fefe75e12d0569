using CodeRunner.Judge.Callbacks;
using CodeRunner.Judge.Worker.Execution;
using CodeRunner.Judge.Worker.Languages;
using CodeRunner.Sandbox;
using CodeRunner.Storage;

namespace CodeRunner.Judge.Worker;

/// <summary>
/// The worker loop: publishes the languages found on this machine, then one loop per slot claims
/// a job, executes it, stores the final result once, wakes waiters and completes the job. On
/// stop it claims nothing new, lets running jobs finish for a grace period, then hands the rest
/// back. A slot claims its next job only once its run is over (see SlotLoopAsync).
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
    CallbackQueue callbacks,
    IOptions<WorkerOptions> options,
    ILogger<WorkerService> logger) : IHostedService
{
    // Host name and a random part: it is the queue's consumer name and the submissions'
    // execution_host, which callers can read, so no process id (the start log line has it).
    private readonly string _id = $"{System.Environment.MachineName}:{Guid.NewGuid().ToString("N")[..12]}";
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
            logger.LogInformation("Worker {Id} (pid {Pid}) claiming jobs with {Slots} slot(s)", _id, System.Environment.ProcessId, slots);
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

    /// <summary>
    /// One slot's pipeline: while a job runs in the sandbox, the slot already claims its next job
    /// (at most one, renewed like a running one, handed back on stop), and a finished job is
    /// settled (result stored, waiters woken, job taken off the queue) while the next one runs.
    /// </summary>
    private async Task SlotLoopAsync(int slot, CancellationToken stopping)
    {
        var next = ClaimNextAsync(slot, stopping);
        var settling = Task.CompletedTask;
        try
        {
            while (await next is { } job)
            {
                if (stopping.IsCancellationRequested)
                {
                    // Claimed just as the stop came and never started: straight back to the queue.
                    await HandBackAsync(job);
                    break;
                }
                Interlocked.Increment(ref _busy);
                var settle = await RunAsync(slot, job);
                // The next claim overlaps the settle (storing, waking, completing), not the run: a
                // job claimed while this one ran would have been chosen before whatever arrived
                // meanwhile, and the fair queue could not give a newly waiting caller its turn.
                next = ClaimNextAsync(slot, stopping);
                // At most one settle behind per slot: the previous one must be done before the next starts.
                await settling;
                settling = WhenSettledAsync(settle);
            }
        }
        finally
        {
            await settling;
        }
    }

    /// <summary>
    /// The slot's next job, or null once stopping (a job claimed just as stop came is still returned).
    /// A slot out of service claims nothing until the sandbox has repaired it: its jobs would all fail.
    /// </summary>
    private async Task<ClaimedJob?> ClaimNextAsync(int slot, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (sandbox.SlotProblems[slot] is not null)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                    continue;
                }
                var job = await queue.ClaimAsync(_id, stopping);
                if (sandbox.SlotProblems[slot] is not null)
                {
                    // The slot went out of service while its claim waited: the job goes back
                    // untouched (still In Queue) for a slot that can run it.
                    await HandBackAsync(job);
                    continue;
                }
                return job;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                logger.LogError("Slot {Slot}: claiming failed ({Error}); retrying", slot, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
        return null;
    }

    private async Task WhenSettledAsync(Task settle)
    {
        try
        {
            await settle;
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
        }
    }

    private async Task HandBackAsync(ClaimedJob job)
    {
        try
        {
            await queue.ReleaseAsync(job, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Its claim lapses and the queue re-delivers it.
            logger.LogWarning("Submission {Token}: handing it back failed ({Error})", job.Token, e.Message);
        }
    }

    /// <summary>Runs the job up to its result; returns what is left (settling it), already started.</summary>
    private async Task<Task> RunAsync(int slot, ClaimedJob job)
    {
        Func<Task>? settle = null;
        await GuardAsync(job, async () => settle = await ExecuteAsync(slot, job, _abortRuns.Token));
        return settle is null ? Task.CompletedTask : GuardAsync(job, settle);
    }

    /// <summary>A job whose run or settling is aborted or fails unexpectedly goes back to the queue, never stays stuck claimed.</summary>
    private async Task GuardAsync(ClaimedJob job, Func<Task> work)
    {
        var abort = _abortRuns.Token;
        try
        {
            await work();
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

    private async Task<Func<Task>> ExecuteAsync(int slot, ClaimedJob job, CancellationToken abort)
    {
        if (job.Attempt > options.Value.MaxAttempts)
        {
            var stored = await Dependency.RetryAsync(() => submissions.GetAsync(job.Token, abort), logger, abort);
            return stored is null || Status.FromId(stored.StatusId).IsFinal
                ? () => Dependency.RetryAsync(() => queue.CompleteAsync(job, abort).AsTask(), logger, abort)
                : () => DeadLetterAsync(job, stored, abort);
        }
        // In Queue → Processing and the submission itself, in one round trip; null when gone or already final.
        var submission = await Dependency.RetryAsync(() => submissions.StartProcessingAsync(job.Token, _id, DateTimeOffset.UtcNow, abort), logger, abort);
        if (submission is null)
        {
            return () => Dependency.RetryAsync(() => queue.CompleteAsync(job, abort).AsTask(), logger, abort);
        }
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
        var result = ResultOf(job.Token, report);
        return () => FinishAsync(job, submission, result, abort);
    }

    private Task FinishAsync(ClaimedJob job, Submission submission, SubmissionResult result, CancellationToken abort) =>
        SettleAsync(job, submission, result, () => queue.CompleteAsync(job, abort), abort);

    /// <summary>A job that was claimed MaxAttempts times without finishing kept killing its workers.</summary>
    private Task DeadLetterAsync(ClaimedJob job, Submission submission, CancellationToken abort)
    {
        var message = $"this submission was abandoned by {job.Attempt - 1} workers that stopped while running it; it will not be run again";
        logger.LogWarning("Submission {Token}: dead-lettered after {Attempts} attempts", job.Token, job.Attempt - 1);
        return SettleAsync(job, submission, ResultOf(job.Token, ExecutionReport.Internal(message)), () => queue.DeadLetterAsync(job, message, abort), abort);
    }

    /// <summary>
    /// Stores the final result once (and only then queues its callback), then wakes waiters and
    /// takes the job off the queue (both sent together, one round trip to Redis); outages are waited out.
    /// </summary>
    private async Task SettleAsync(ClaimedJob job, Submission submission, SubmissionResult result, Func<ValueTask> takeOffQueue, CancellationToken abort)
    {
        if (await Dependency.RetryAsync(() => submissions.SaveResultAsync(result, abort), logger, abort))
        {
            logger.LogInformation("Submission {Token} finished: status {Status} (attempt {Attempt})", job.Token, result.StatusId, job.Attempt);
            Hosting.Ops.OpsMetrics.RunFinished(result.StatusId);
            callbacks.Enqueue(submission, result);
        }
        await Task.WhenAll(
            Dependency.RetryAsync(() => completion.NotifyAsync(job.Token, abort).AsTask(), logger, abort),
            Dependency.RetryAsync(() => takeOffQueue().AsTask(), logger, abort));
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
                    new WorkerState(_id, System.Environment.MachineName, slots, Busy, Paused: false, Interlocked.Read(ref _failed), DateTimeOffset.UtcNow,
                        languages.All.Select(l => l.Info.Id).Order().ToList()),
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
