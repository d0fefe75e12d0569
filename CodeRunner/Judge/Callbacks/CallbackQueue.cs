using System.Text.Json;
using System.Threading.Channels;
using CodeRunner.Hosting.Ops;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Judge.Server.Submissions;

namespace CodeRunner.Judge.Callbacks;

/// <summary>
/// Callbacks leave the worker's slots at once: a submission's result is stored first, then its
/// callback body is rendered and queued here, and a few background senders deliver it, so a slow
/// or dead receiver never holds a slot. The body is what Judge0 1.13.1 sends: the default fields
/// (token, time, memory, stdout, stderr, compile_output, message, status), base64 encoded, so its
/// clients decode it unchanged. Best effort, like Judge0's: at most 1,000 wait (a new one beyond
/// that is dropped with a warning) and those still waiting 5 s after the worker began to stop are
/// dropped; the stored result is what counts, and GET /submissions/{token} always has it.
/// </summary>
internal sealed class CallbackQueue(CallbackSender sender, JudgeOptions options, ILogger<CallbackQueue> logger) : BackgroundService
{
    private const int Capacity = 1000;
    private const int Senders = 8;

    private static readonly IReadOnlyDictionary<int, Language> NoLanguages = new Dictionary<int, Language>();

    private readonly Channel<Pending> pending = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = false });

    /// <summary>Queues the callback of a submission that just became final, if it asked for one.</summary>
    public void Enqueue(Submission submission, SubmissionResult result)
    {
        if (!options.EnableCallbacks || !Uri.TryCreate(submission.CallbackUrl, UriKind.Absolute, out var url))
        {
            return;
        }
        var finished = new Submission
        {
            Token = result.Token,
            StatusId = result.StatusId,
            Stdout = result.Stdout,
            Stderr = result.Stderr,
            CompileOutput = result.CompileOutput,
            Message = result.Message,
            Time = result.Time,
            Memory = result.Memory,
        };
        var view = SubmissionView.Render(finished, SubmissionFields.Default, base64: true, NoLanguages);
        var body = JsonSerializer.SerializeToUtf8Bytes(view, JudgeJson.Options);
        if (!pending.Writer.TryWrite(new Pending(url, result.Token, body)))
        {
            OpsMetrics.CallbackDone("dropped");
            logger.LogWarning("Submission {Token}: callback dropped ({Capacity} already waiting, or the worker is stopping)", result.Token, Capacity);
        }
    }

    /// <summary>Takes no more; what is queued gets up to 5 s to go out before the senders are cancelled.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        pending.Writer.TryComplete();
        await Task.WhenAny(ExecuteTask ?? Task.CompletedTask, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        await base.StopAsync(cancellationToken);
        var dropped = 0;
        while (pending.Reader.TryRead(out _))
        {
            dropped++;
            OpsMetrics.CallbackDone("dropped");
        }
        if (dropped > 0)
        {
            logger.LogWarning("Stopping: {Count} callback(s) not sent", dropped);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => SendAsync(stoppingToken)));

    private async Task SendAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var callback in pending.Reader.ReadAllAsync(stopping))
            {
                try
                {
                    var delivered = await sender.DeliverAsync(callback.Url, callback.Token, callback.Body, stopping);
                    OpsMetrics.CallbackDone(delivered ? "delivered" : "failed");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Submission {Token}: callback failed", callback.Token);
                    OpsMetrics.CallbackDone("failed");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: what is still queued is not sent (see above).
        }
    }

    private sealed record Pending(Uri Url, string Token, byte[] Body);
}
