using CodeRunner.Storage;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// wait=true without a thread per request: subscribe before enqueueing (a fast worker cannot
/// finish unseen), re-check the store, then await the wake-up, capped by the submission's own
/// time budget. On timeout the current (unfinished) state is answered.
/// </summary>
internal static class WaitForResult
{
    /// <summary>The submission as it stands when finished or out of time; null when the queue had no room for it.</summary>
    public static async Task<Submission?> RunAsync(
        Submission submission, string caller, JudgeOptions options, ISubmissionStore store, Intake intake, ICompletionSignal signal, CancellationToken ct)
    {
        // Compilation may take the maximum wall time once, then every run its own.
        var budget = TimeSpan.FromSeconds((double)(submission.WallTimeLimit * submission.NumberOfRuns + options.MaxWallTimeLimit) + options.WaitMarginSeconds);
        var deadline = DateTime.UtcNow + budget;
        var subscription = signal.Subscribe(submission.Token);
        try
        {
            if (!await intake.AcceptAsync([submission], caller))
            {
                return null;
            }
            while (true)
            {
                var current = await store.GetAsync(submission.Token, ct) ?? submission;
                var remaining = deadline - DateTime.UtcNow;
                if (Status.FromId(current.StatusId).IsFinal || remaining <= TimeSpan.Zero)
                {
                    return current;
                }
                try
                {
                    await subscription.Completed.WaitAsync(remaining, ct);
                }
                catch (TimeoutException)
                {
                    return await store.GetAsync(submission.Token, ct) ?? current;
                }
                // Woken: finished, or a wake-up for everyone after the signal's connection came
                // back (a notification may have been lost). Subscribe again before re-reading.
                subscription.Dispose();
                subscription = signal.Subscribe(submission.Token);
            }
        }
        finally
        {
            subscription.Dispose();
        }
    }
}
