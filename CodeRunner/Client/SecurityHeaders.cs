using CodeRunner.Hosting;

namespace CodeRunner.Client;

/// <summary>
/// Headers on every answer of the client's listeners, the IDE's and the forwarded API's alike:
/// scripts, styles and connections only from this origin, no framing, no sniffing, no referrer.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseClientSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (RoleMatcherPolicy.RoleOf(context) == Roles.Client)
        {
            // Set when the headers go out, so a forwarded answer cannot drop or duplicate them.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                return Task.CompletedTask;
            });
        }
        return next(context);
    });
}
