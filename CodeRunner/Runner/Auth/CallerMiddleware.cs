using CodeRunner.Runner.Http;
using CodeRunner.Runner.History;

namespace CodeRunner.Runner.Auth;

/// <summary>
/// Resolves the caller of every endpoint marked <see cref="RequiresCaller"/> before the rate
/// limiter runs (its partitions are per caller): an API key in X-Api-Key or Authorization: Bearer,
/// else a session in X-Session-Token or the coderunner_session cookie. 401 otherwise.
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next, IHistoryStore store, TimeProvider time, ILogger<CallerMiddleware> logger)
{
    public const string SessionCookie = "coderunner_session";
    public const string SessionHeader = "X-Session-Token";
    public const string KeyHeader = "X-Api-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresCaller>() is null)
        {
            await next(context);
            return;
        }
        string? failure;
        try
        {
            failure = await AuthenticateAsync(context);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("runner store unavailable while authenticating: {Error}", e.Message);
            context.Response.Headers.RetryAfter = "1";
            await RunnerErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "runner store unavailable");
            return;
        }
        if (failure is not null)
        {
            await RunnerErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, failure);
            return;
        }
        await next(context);
    }

    /// <summary>Null when the caller is known (and set as a feature), else the 401 message.</summary>
    private async Task<string?> AuthenticateAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var request = context.Request;
        var key = NonEmpty(request.Headers[KeyHeader].FirstOrDefault()) ?? Bearer(request.Headers.Authorization.FirstOrDefault());
        if (key is not null)
        {
            var record = await store.FindApiKeyAsync(Secrets.Hash(key), ct);
            if (record is null || record.RevokedAt is not null)
            {
                return "invalid API key";
            }
            context.Features.Set(Caller.ForKey(record.Name));
            return null;
        }
        var session = NonEmpty(request.Headers[SessionHeader].FirstOrDefault()) ?? NonEmpty(request.Cookies[SessionCookie]);
        if (session is not null)
        {
            var record = await store.FindSessionAsync(Secrets.Hash(session), ct);
            if (record is null || record.ExpiresAt <= time.GetUtcNow())
            {
                return "session expired";
            }
            context.Features.Set(Caller.ForSession(record.Id));
            return null;
        }
        return "authentication required";
    }

    private static string? Bearer(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? NonEmpty(authorization["Bearer ".Length..])
            : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
