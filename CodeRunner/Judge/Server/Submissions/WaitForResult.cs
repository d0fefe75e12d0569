using CodeRunner.Storage;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// wait=true without a thread per request: subscribe before enqueueing (a fast worker cannot
/// finish unseen), re-check the store, then await the wake-up, capped by the submission's own
/// time budget. On timeout the current (unfinished) state is answered.
/// </summary>
internal static class WaitForResult
{
    public static async Task<Submission> RunAsync(
        Submission submission, JudgeOptions options, ISubmissionStore store, IJobQueue queue, ICompletionSignal signal, CancellationToken ct)
    {
        using var subscription = signal.Subscribe(submission.Token);
        await queue.EnqueueAsync([submission.Token], ct);
        var current = await store.GetAsync(submission.Token, ct) ?? submission;
        if (!Status.FromId(current.StatusId).IsFinal)
        {
            // Compilation may take the maximum wall time once, then every run its own.
            var budget = TimeSpan.FromSeconds((double)(submission.WallTimeLimit * submission.NumberOfRuns + options.MaxWallTimeLimit) + options.WaitMarginSeconds);
            try
            {
                await subscription.Completed.WaitAsync(budget, ct);
            }
            catch (TimeoutException)
            {
            }
            current = await store.GetAsync(submission.Token, ct) ?? current;
        }
        return current;
    }
}
