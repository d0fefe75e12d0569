namespace CodeRunner.Storage;

/// <summary>
/// The job queue: in-process by default, Redis when configured. A claimed job stays owned by its
/// worker until completed or released; a queue that can outlive a worker re-delivers it.
/// Fair between callers: each caller's jobs wait in a lane of their own, in order, and a claim
/// takes the head of the lane whose caller was served least recently (see <see cref="FairShare"/>),
/// so one caller's backlog delays another's job by at most one job per other waiting caller.
/// </summary>
public interface IJobQueue
{
    /// <summary>Enqueues in the lane of <see cref="FairShare.Unattributed"/> (jobs whose caller is not known, e.g. re-queued after a loss).</summary>
    ValueTask EnqueueAsync(IReadOnlyList<string> tokens, CancellationToken ct);

    ValueTask EnqueueAsync(string caller, IReadOnlyList<string> tokens, CancellationToken ct);

    /// <summary>
    /// Enqueues each group of tokens whole or not at all, in order, in one step: a group that would
    /// take the jobs waiting past <paramref name="maxWaiting"/> is refused and the next is tried.
    /// Atomic against every other enqueuer of the same queue, so the limit holds across servers.
    /// </summary>
    ValueTask<GroupsEnqueued> EnqueueGroupsAsync(IReadOnlyList<JobGroup> groups, long maxWaiting, CancellationToken ct);

    /// <summary>As above, every group in the <see cref="FairShare.Unattributed"/> lane.</summary>
    ValueTask<GroupsEnqueued> EnqueueGroupsAsync(IReadOnlyList<IReadOnlyList<string>> groups, long maxWaiting, CancellationToken ct) =>
        EnqueueGroupsAsync(groups.Select(g => new JobGroup(FairShare.Unattributed, g)).ToList(), maxWaiting, ct);

    /// <summary>Waits until a job is available and claims it for <paramref name="workerId"/>.</summary>
    ValueTask<ClaimedJob> ClaimAsync(string workerId, CancellationToken ct);

    ValueTask CompleteAsync(ClaimedJob job, CancellationToken ct);

    /// <summary>Hands a claimed job back to the queue unfinished (graceful stop).</summary>
    ValueTask ReleaseAsync(ClaimedJob job, CancellationToken ct);

    /// <summary>
    /// Takes a claimed job out of circulation for good (it kept killing workers); it is kept in a
    /// dead-letter set operators can inspect, and never delivered again.
    /// </summary>
    ValueTask DeadLetterAsync(ClaimedJob job, string reason, CancellationToken ct);

    /// <summary>Jobs waiting to be claimed.</summary>
    ValueTask<long> CountAsync(CancellationToken ct);
}

/// <summary>A request's jobs and who asked for them (the lane they wait in).</summary>
public sealed record JobGroup(string Caller, IReadOnlyList<string> Tokens);

/// <param name="Accepted">Per group, whether it was enqueued.</param>
/// <param name="Waiting">Jobs waiting right after this enqueue.</param>
public sealed record GroupsEnqueued(IReadOnlyList<bool> Accepted, long Waiting);

/// <param name="Attempt">1 on first delivery, higher when re-delivered after a worker was lost.</param>
public sealed record ClaimedJob(string Token, int Attempt, string Receipt);
