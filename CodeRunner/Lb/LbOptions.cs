namespace CodeRunner.Lb;

/// <summary>How the lb checks and forwards to the judge-servers (section <c>Lb</c>, e.g. <c>Lb__HealthIntervalSeconds</c>).</summary>
internal sealed class LbOptions
{
    public const string Section = "Lb";

    /// <summary>Seconds between two active probes of every judge-server.</summary>
    public double HealthIntervalSeconds { get; set; } = 2;

    /// <summary>A probe that has not answered within this many seconds failed (generous: a busy but live server must stay in; a dead one is caught by refused connections first).</summary>
    public double HealthTimeoutSeconds { get; set; } = 3;

    /// <summary>The judge-server's liveness path the probes call.</summary>
    public string HealthPath { get; set; } = "/health";

    /// <summary>Failed probes in a row before a judge-server leaves the rotation.</summary>
    public int HealthThreshold { get; set; } = 3;

    /// <summary>
    /// A judge-server the passive check took out is tried again after this. At least
    /// <see cref="PassiveWindowSeconds"/> + 2: YARP keeps failures in 1 s buckets stamped at their
    /// end, and a judge-server reactivated while its old failures are still in the window is taken
    /// out again by its first request, even when it is healthy by then.
    /// </summary>
    public double ReactivationSeconds { get; set; } = 7;

    /// <summary>Window over which the passive check measures transport failures (at least 10 requests).</summary>
    public double PassiveWindowSeconds { get; set; } = 5;

    public TimeSpan EffectiveReactivation => TimeSpan.FromSeconds(Math.Max(ReactivationSeconds, PassiveWindowSeconds + 2));

    /// <summary>Share of failed requests in the window that takes a judge-server out (0..1).</summary>
    public double FailureRateLimit { get; set; } = 0.3;

    /// <summary>Connecting to a judge-server longer than this fails (and is retried on another one).</summary>
    public double ConnectTimeoutSeconds { get; set; } = 2;

    /// <summary>A forwarded request with no data moving for this long fails (covers wait=true).</summary>
    public double ActivityTimeoutSeconds { get; set; } = 120;

    /// <summary>Judge-servers one request may be tried on when the first could not take it.</summary>
    public int MaxAttempts { get; set; } = 3;

    public static LbOptions Load(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<LbOptions>() ?? new LbOptions();
        Positive(options.HealthIntervalSeconds, nameof(HealthIntervalSeconds));
        Positive(options.HealthTimeoutSeconds, nameof(HealthTimeoutSeconds));
        Positive(options.HealthThreshold, nameof(HealthThreshold));
        Positive(options.ReactivationSeconds, nameof(ReactivationSeconds));
        Positive(options.PassiveWindowSeconds, nameof(PassiveWindowSeconds));
        Positive(options.ConnectTimeoutSeconds, nameof(ConnectTimeoutSeconds));
        Positive(options.ActivityTimeoutSeconds, nameof(ActivityTimeoutSeconds));
        Positive(options.MaxAttempts, nameof(MaxAttempts));
        if (options.FailureRateLimit is <= 0 or > 1)
        {
            throw new InvalidOperationException($"Lb__{nameof(FailureRateLimit)} must be above 0 and at most 1, got {options.FailureRateLimit}");
        }
        if (!options.HealthPath.StartsWith('/'))
        {
            throw new InvalidOperationException($"Lb__{nameof(HealthPath)} must start with '/', got '{options.HealthPath}'");
        }
        return options;
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0))
        {
            throw new InvalidOperationException($"Lb__{name} must be positive, got {value}");
        }
    }
}
