using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Runner.History;
using CodeRunner.Runner.Http;
using CodeRunner.Runner.Limits;

namespace CodeRunner.Runner.Auth;

/// <summary>POST /sessions: an anonymous browser session (no auth; rate limited per client IP).</summary>
public sealed class SessionsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapPost("/sessions", CreateAsync).RequireRateLimiting(RunnerRateLimits.Sessions);

    private static async Task<IResult> CreateAsync(HttpContext context, IHistoryStore store, RunnerOptions options, TimeProvider time, CancellationToken ct)
    {
        var token = Secrets.NewSessionToken();
        var now = time.GetUtcNow();
        var expires = now + options.SessionLifetime;
        await store.CreateSessionAsync(new SessionRecord(Secrets.NewId(), Secrets.Hash(token), now, expires), ct);
        context.Response.Cookies.Append(CallerMiddleware.SessionCookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = expires,
            // Behind the client (which terminates TLS) the connection here is plain HTTP.
            Secure = RequestScheme.IsHttps(context, options.TrustedProxies),
        });
        return TypedResults.Json(
            new JsonObject { ["token"] = token, ["expires_at"] = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ") },
            RunnerErrors.Json, statusCode: StatusCodes.Status201Created);
    }
}
