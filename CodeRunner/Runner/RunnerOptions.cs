using System.Globalization;
using System.Net;
using CodeRunner.Hosting;

namespace CodeRunner.Runner;

/// <summary>
/// The runner's settings. Each binds from "Runner:Name"; the seeds' variable names
/// (JUDGE0_URL, RATE_LIMIT_MAX, ...) win over it, like Judge0's names do for the judge tier.
/// </summary>
internal sealed class RunnerOptions
{
    public const string Section = "Runner";

    /// <summary>The judge tier (the lb) every forwarded call goes to.</summary>
    public required Uri JudgeUrl { get; init; }

    /// <summary>Header that carries the inner tier's token (the judge-server's AUTHN_HEADER).</summary>
    public string JudgeAuthHeader { get; init; } = "X-Auth-Token";

    /// <summary>The inner tier's token; empty sends none. A secret.</summary>
    public string JudgeAuthToken { get; init; } = "";

    /// <summary>
    /// Default-sized submissions per <see cref="RateLimitWindow"/> per key or session: the default of
    /// <see cref="SlotSecondsMax"/> is this many times a default submission's slot-seconds.
    /// </summary>
    public int RateLimitMax { get; init; } = 30;

    /// <summary>
    /// Slot-seconds (number_of_runs × wall_time_limit, summed over a batch) per window per key or
    /// session (RATE_LIMIT_SLOT_SECONDS; default RATE_LIMIT_MAX × a default submission's).
    /// </summary>
    public int SlotSecondsMax { get; init; } = 300;

    /// <summary>Slot-seconds per window shared by all anonymous sessions from one client address (default <see cref="SlotSecondsMax"/>).</summary>
    public int AddressSlotSecondsMax { get; init; } = 300;

    /// <summary>number_of_runs the judge assumes when a submission leaves it out (Judge0's NUMBER_OF_RUNS, 1).</summary>
    public double DefaultNumberOfRuns { get; init; } = 1;

    /// <summary>wall_time_limit the judge assumes when a submission leaves it out (Judge0's WALL_TIME_LIMIT, 10 s).</summary>
    public double DefaultWallTimeLimit { get; init; } = 10;

    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Other calls (reads, polling, settings) get this many times <see cref="RateLimitMax"/>.</summary>
    public int ReadLimitFactor { get; init; } = 10;

    /// <summary>POST /sessions per window per client IP.</summary>
    public int SessionRateLimitMax { get; init; } = 30;

    /// <summary>Origins allowed to call the runner from a browser; empty sends no CORS headers.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    public long MaxRequestBytes { get; init; } = 1024 * 1024;

    public int MaxBatchSize { get; init; } = 20;

    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(24 * 7);

    /// <summary>Peers whose X-Forwarded-For is believed (the client role in front of the runner).</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>How long one forwarded call may take (wait=true runs the program first).</summary>
    public TimeSpan JudgeTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public static RunnerOptions Load(IConfiguration configuration, Roles roles)
    {
        var section = configuration.GetSection(Section);
        string? Read(string env, string key) =>
            NonEmpty(configuration[env]) ?? NonEmpty(section[key]);

        var judgeUrl = Read("JUDGE0_URL", "JudgeUrl") ?? DefaultJudgeUrl(configuration, roles);
        if (!Uri.TryCreate(judgeUrl, UriKind.Absolute, out var judge) || judge.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"JUDGE0_URL: '{judgeUrl}' is not an http(s) URL like http://10.0.0.5:2358");
        }
        var sameProcessJudge = roles.HasFlag(Roles.JudgeServer);
        var trusted = NonEmpty(section["TrustedProxies"]);
        var rateLimitMax = Positive("RATE_LIMIT_MAX", Read("RATE_LIMIT_MAX", "RateLimitMax"), 30);
        // The judge's own names: set in runner.env as in judge-server.env, or read from it in one process.
        var runs = PositiveNumber("NUMBER_OF_RUNS / Runner:DefaultNumberOfRuns", Read("NUMBER_OF_RUNS", "DefaultNumberOfRuns"), 1);
        var wall = PositiveNumber("WALL_TIME_LIMIT / Runner:DefaultWallTimeLimit", Read("WALL_TIME_LIMIT", "DefaultWallTimeLimit"), 10);
        var slotSeconds = Positive("RATE_LIMIT_SLOT_SECONDS", Read("RATE_LIMIT_SLOT_SECONDS", "SlotSecondsMax"),
            (int)Math.Min(int.MaxValue, Math.Ceiling(rateLimitMax * runs * wall)));
        return new RunnerOptions
        {
            JudgeUrl = judge,
            JudgeAuthHeader = Read("JUDGE0_AUTH_HEADER", "JudgeAuthHeader")
                ?? (sameProcessJudge ? NonEmpty(configuration["AUTHN_HEADER"]) : null) ?? "X-Auth-Token",
            // In one process with the judge-server, its own token is the one to send.
            JudgeAuthToken = Read("JUDGE0_AUTH_TOKEN", "JudgeAuthToken")
                ?? (sameProcessJudge ? configuration["AUTHN_TOKEN"]?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null) ?? "",
            RateLimitMax = rateLimitMax,
            SlotSecondsMax = slotSeconds,
            AddressSlotSecondsMax = Positive("Runner:AddressSlotSecondsMax", section["AddressSlotSecondsMax"], slotSeconds),
            DefaultNumberOfRuns = runs,
            DefaultWallTimeLimit = wall,
            RateLimitWindow = TimeSpan.FromSeconds(Positive("RATE_LIMIT_WINDOW", Read("RATE_LIMIT_WINDOW", "RateLimitWindow"), 60)),
            ReadLimitFactor = Positive("Runner:ReadLimitFactor", section["ReadLimitFactor"], 10),
            SessionRateLimitMax = Positive("Runner:SessionRateLimitMax", section["SessionRateLimitMax"],
                Positive("RATE_LIMIT_MAX", Read("RATE_LIMIT_MAX", "RateLimitMax"), 30)),
            AllowedOrigins = (Read("ALLOWED_ORIGINS", "AllowedOrigins") ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(o => o.TrimEnd('/'))
                .ToList(),
            MaxRequestBytes = Positive("Runner:MaxRequestBytes", section["MaxRequestBytes"], 1024 * 1024),
            MaxBatchSize = Positive("Runner:MaxBatchSize", section["MaxBatchSize"], 20),
            SessionLifetime = TimeSpan.FromHours(PositiveHours("Runner:SessionHours", section["SessionHours"], 24 * 7)),
            JudgeTimeout = TimeSpan.FromSeconds(Positive("Runner:JudgeTimeoutSeconds", section["JudgeTimeoutSeconds"], 90)),
            TrustedProxies = Networks(trusted, roles),
        };
    }

    /// <summary>
    /// With the lb in this process: its first URL. With only a judge-server here: that one.
    /// Otherwise the lb's default address.
    /// </summary>
    private static string DefaultJudgeUrl(IConfiguration configuration, Roles roles)
    {
        var key = roles.HasFlag(Roles.Lb) || !roles.HasFlag(Roles.JudgeServer) ? "Lb:Urls" : "Judge:Urls";
        var first = (configuration[key] ?? "http://127.0.0.1:2358")
            .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? "http://127.0.0.1:2358";
        // A listener on every interface is reached on loopback from inside the same process.
        return first.Replace("://0.0.0.0", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://+", "://127.0.0.1")
            .Replace("://[::]", "://127.0.0.1");
    }

    private static List<IPNetwork> Networks(string? value, Roles roles)
    {
        var networks = new List<IPNetwork>();
        foreach (var item in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(item, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(item, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new InvalidOperationException($"Runner:TrustedProxies: '{item}' is not an IP address or CIDR range");
            }
        }
        // The co-located client forwards from loopback.
        if (roles.HasFlag(Roles.Client))
        {
            networks.Add(IPNetwork.Parse("127.0.0.0/8"));
            networks.Add(IPNetwork.Parse("::1/128"));
        }
        return networks;
    }

    private static int Positive(string name, string? value, int fallback)
    {
        if (value is null)
        {
            return fallback;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InvalidOperationException($"{name}: '{value}' is not a positive whole number");
    }

    private static double PositiveNumber(string name, string? value, double fallback)
    {
        if (value is null)
        {
            return fallback;
        }
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n)
            ? n
            : throw new InvalidOperationException($"{name}: '{value}' is not a positive number");
    }

    /// <summary>Hours may be fractional (0.5 = 30 minutes).</summary>
    private static double PositiveHours(string name, string? value, double fallback)
    {
        if (value is null)
        {
            return fallback;
        }
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var h) && h > 0 && h <= 24 * 366
            ? h
            : throw new InvalidOperationException($"{name}: '{value}' is not a positive number of hours");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
