using System.Security.Cryptography;

namespace CodeRunner.Judge.Server.Http;

/// <summary>
/// Judge0's token checks: the value comes from the configured header or a query parameter of the
/// same name; the configured token may list several, space separated. Compared in constant time.
/// </summary>
internal static class JudgeAuth
{
    public static bool IsAuthenticated(HttpContext context, JudgeOptions options) =>
        string.IsNullOrWhiteSpace(options.AuthnToken) || Matches(context, options.AuthnHeader, options.AuthnToken);

    /// <summary>Without a configured authorization token nobody is authorized (Judge0: always 403).</summary>
    public static bool IsAuthorized(HttpContext context, JudgeOptions options) =>
        !string.IsNullOrWhiteSpace(options.AuthzToken) && Matches(context, options.AuthzHeader, options.AuthzToken);

    /// <summary>Does the request carry, in <paramref name="header"/> (or the query), one of the space separated <paramref name="configured"/> tokens?</summary>
    internal static bool Matches(HttpContext context, string header, string configured)
    {
        string provided = context.Request.Headers.TryGetValue(header, out var fromHeader) && fromHeader.Count > 0
            ? fromHeader[0] ?? ""
            : context.Request.Query.TryGetValue(header, out var fromQuery) ? fromQuery[0] ?? "" : "";
        var providedBytes = Encoding.UTF8.GetBytes(provided);
        var match = false;
        foreach (var token in configured.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            // No early exit: every configured token is compared.
            match |= CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), providedBytes);
        }
        return match;
    }
}

/// <summary>Every judge endpoint but /health requires authentication when a token is configured.</summary>
internal sealed class AuthenticationFilter(JudgeOptions options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        JudgeAuth.IsAuthenticated(context.HttpContext, options) ? await next(context) : TypedResults.Unauthorized();
}

/// <summary>Admin endpoints (list, delete, /authorize) also need the authorization token.</summary>
internal sealed class AuthorizationFilter(JudgeOptions options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        JudgeAuth.IsAuthorized(context.HttpContext, options) ? await next(context) : TypedResults.StatusCode(StatusCodes.Status403Forbidden);
}
