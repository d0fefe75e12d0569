using CodeRunner.Storage;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// Accepting is store, then enqueue. When the queue cannot take the tokens the client gets a 503,
/// so the rows just stored are removed again: a submission is either accepted (stored and queued)
/// or refused, never left In Queue with nothing to deliver it.
/// </summary>
internal static class Intake
{
    public static async Task EnqueueOrRollbackAsync(IReadOnlyList<Submission> submissions, ISubmissionStore store, IJobQueue queue, CancellationToken ct)
    {
        try
        {
            await queue.EnqueueAsync(submissions.Select(s => s.Token).ToList(), ct);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            foreach (var submission in submissions)
            {
                try
                {
                    await store.DeleteAsync(submission.Token, CancellationToken.None);
                }
                catch (Exception cleanup) when (StorageFailures.IsUnavailable(cleanup))
                {
                    // The database is down too; the row stays In Queue until re-queued.
                }
            }
            throw;
        }
    }
}
