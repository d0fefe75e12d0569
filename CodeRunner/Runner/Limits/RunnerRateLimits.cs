using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using CodeRunner.Runner.Auth;
using CodeRunner.Runner.Http;

namespace CodeRunner.Runner.Limits;

/// <summary>
/// ASP.NET Core rate limiting, fixed windows of RATE_LIMIT_WINDOW seconds partitioned by owner:
/// reads (polling, languages, history, settings) get <c>ReadLimitFactor × RATE_LIMIT_MAX</c>;
/// POST /sessions gets <c>SessionRateLimitMax</c> per client IP. Submissions are counted by
/// <see cref="SubmissionLimiter"/>, which needs to know a batch's size first.
/// </summary>
internal static class RunnerRateLimits
{
    public const string Reads = "runner-reads";
    public const string Sessions = "runner-sessions";

    public static IServiceCollection AddRunnerRateLimits(this IServiceCollection services, RunnerOptions options)
    {
        services.AddSingleton<SubmissionLimiter>();
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = (rejected, ct) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.RateLimitWindow;
                return new ValueTask(WriteAsync(rejected.HttpContext, retryAfter));
            };
            limiter.AddPolicy(Reads, context => RateLimitPartition.GetFixedWindowLimiter(
                Caller.Of(context).Owner,
                _ => Window(options.RateLimitMax * options.ReadLimitFactor, options.RateLimitWindow)));
            limiter.AddPolicy(Sessions, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context, options.TrustedProxies).ToString(),
                _ => Window(options.SessionRateLimitMax, options.RateLimitWindow)));
        });
        return services;
    }

    public static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>429 {"error":"rate limit exceeded","retry_after":N} with Retry-After: N (whole seconds, at least 1).</summary>
    public static Task WriteAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsJsonAsync<JsonNode>(
            new JsonObject { ["error"] = "rate limit exceeded", ["retry_after"] = seconds }, RunnerErrors.Json, context.RequestAborted);
    }
}

/// <summary>
/// RATE_LIMIT_MAX submissions per RATE_LIMIT_WINDOW per owner. A batch takes as many permits as it
/// has submissions (capped at the limit itself, so a full batch is always possible in a fresh window).
/// </summary>
internal sealed class SubmissionLimiter(RunnerOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        owner => RateLimitPartition.GetFixedWindowLimiter(owner, _ => RunnerRateLimits.Window(options.RateLimitMax, options.RateLimitWindow)));

    /// <summary>Null when allowed, else how long until the caller may try again.</summary>
    public TimeSpan? TryAcquire(string owner, int submissions)
    {
        using var lease = _limiter.AttemptAcquire(owner, Math.Clamp(submissions, 1, options.RateLimitMax));
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.RateLimitWindow;
    }

    public void Dispose() => _limiter.Dispose();
}
