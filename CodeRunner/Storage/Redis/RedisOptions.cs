namespace CodeRunner.Storage.Redis;

/// <summary>The Redis settings of the `Storage` section (the URL itself is read by <see cref="RedisConfiguration"/>).</summary>
internal sealed class RedisOptions
{
    public const string Section = "Storage";

    /// <summary>Every key and channel starts with this, so several deployments can share one Redis.</summary>
    public string RedisPrefix { get; set; } = "coderunner:";

    /// <summary>A claim not renewed for this long counts as abandoned and its job is delivered again.</summary>
    public double VisibilityTimeoutSeconds { get; set; } = 30;

    /// <summary>Connect, command and reconnect timeouts: an outage surfaces as an error within this.</summary>
    public double RedisTimeoutSeconds { get; set; } = 5;

    /// <summary>How often the database is compared with the queue (one process does it per round).</summary>
    public double ReconcileSeconds { get; set; } = 60;

    /// <summary>Only submissions older than this are re-queued (younger ones may be between insert and enqueue).</summary>
    public double ReconcileAgeSeconds { get; set; } = 120;

    /// <summary>How often each process checks that Redis still holds its data (the epoch key); a loss re-queues at once.</summary>
    public double EpochCheckSeconds { get; set; } = 5;

    /// <summary>An idle claimer looks at the queue at least this often, in case a wake-up was lost (pub/sub wakes it at once).</summary>
    public double ClaimPollSeconds { get; set; } = 1;

    public TimeSpan VisibilityTimeout => TimeSpan.FromSeconds(VisibilityTimeoutSeconds);

    /// <summary>Claims are renewed, and expired ones swept, three times per timeout: one missed beat is not fatal.</summary>
    public TimeSpan SweepInterval => TimeSpan.FromSeconds(VisibilityTimeoutSeconds / 3);
}
