using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// Every key and channel, under one prefix. A job is an id (one per enqueue, so the same token
/// queued twice is two jobs); a delivery of it is a receipt "id:nonce@worker".
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>
    /// List of job ids waiting before lanes existed (an upgrade finds it filled); claimed from the
    /// right (the head) before any lane, and never pushed to any more.
    /// </summary>
    public RedisKey Queue { get; } = prefix + "queue";

    /// <summary>Prefix of the per-caller lanes: lists of job ids, new ones pushed left, claimed from the right (the head).</summary>
    public string LanePrefix { get; } = prefix + "lane:";

    /// <summary>Sorted set of the callers whose lanes hold jobs, scored as <see cref="FairShare"/> says.</summary>
    public RedisKey Lanes { get; } = prefix + "lanes";

    /// <summary>Hash: n = claims from lanes so far (the serial number <see cref="FairShare"/> scores by), last = the caller of the last one.</summary>
    public RedisKey Served { get; } = prefix + "served";

    /// <summary>Hash job id → caller, for every job not yet completed or dead-lettered (its lane when it comes back).</summary>
    public RedisKey Callers { get; } = prefix + "callers";

    /// <summary>Hash job id → submission token, for every job not yet completed or dead-lettered.</summary>
    public RedisKey Jobs { get; } = prefix + "jobs";

    /// <summary>Hash job id → deliveries so far (the attempt of the current or last delivery).</summary>
    public RedisKey Attempts { get; } = prefix + "attempts";

    /// <summary>Sorted set of receipts of claimed jobs, scored by deadline (Redis server time, ms).</summary>
    public RedisKey Claims { get; } = prefix + "claims";

    /// <summary>Hash token → reason for jobs taken out of circulation.</summary>
    public RedisKey DeadLetters { get; } = prefix + "dead";

    /// <summary>Sorted set of worker ids scored by last heartbeat (unix ms).</summary>
    public RedisKey Workers { get; } = prefix + "workers";

    /// <summary>Held by the process reconciling the database with the queue this round.</summary>
    public RedisKey ReconcileLock { get; } = prefix + "reconcile-lock";

    /// <summary>Set once, never expiring: its absence means Redis is new or lost its data (see QueueReconciler).</summary>
    public RedisKey Epoch { get; } = prefix + "epoch";

    public RedisKey Worker(string id) => prefix + "worker:" + id;

    /// <summary>Published whenever jobs become claimable, so idle claimers need not poll hard.</summary>
    public RedisChannel QueueWake { get; } = RedisChannel.Literal(prefix + "queue:wake");

    /// <summary>Published with a token when its submission is finished.</summary>
    public RedisChannel Completed { get; } = RedisChannel.Literal(prefix + "completed");
}
