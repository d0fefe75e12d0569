using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using CodeRunner.Runner.Auth;
using CodeRunner.Runner.Http;

namespace CodeRunner.Runner.Limits;

/// <summary>
/// ASP.NET Core rate limiting, fixed windows of RATE_LIMIT_WINDOW seconds partitioned by owner:
/// reads (polling, languages, history, settings) get <c>ReadLimitFactor × RATE_LIMIT_MAX</c>;
/// POST /sessions gets <c>SessionRateLimitMax</c> per client IP. Submissions are counted in
/// slot-seconds by <see cref="SubmissionLimiter"/>, which needs to read the body first.
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

    /// <summary>
    /// 429 {"error":"rate limit exceeded","retry_after":N} with Retry-After: N (whole seconds, at
    /// least 1); with the limit's name and a sentence about it when the caller can act on it.
    /// </summary>
    public static Task WriteAsync(HttpContext context, TimeSpan retryAfter, string? limit = null, string? message = null)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var body = new JsonObject { ["error"] = "rate limit exceeded", ["retry_after"] = seconds };
        if (limit is not null)
        {
            body["limit"] = limit;
            body["message"] = message;
        }
        return context.Response.WriteAsJsonAsync<JsonNode>(body, RunnerErrors.Json, context.RequestAborted);
    }
}
