using System.Net;
using CodeRunner.Runner.Limits;

namespace CodeRunner.Runner.Http;

/// <summary>
/// Whether the caller's request came over HTTPS: this connection itself, or, when its peer is a
/// trusted proxy (<c>Runner:TrustedProxies</c>: the client role, which terminates TLS), the
/// X-Forwarded-Proto that proxy set. Anyone else's X-Forwarded-Proto is ignored.
/// </summary>
internal static class RequestScheme
{
    public static bool IsHttps(HttpContext context, IReadOnlyList<IPNetwork> trusted)
    {
        if (context.Request.IsHttps)
        {
            return true;
        }
        if (context.Connection.RemoteIpAddress is not { } peer || !ClientAddress.IsTrusted(peer, trusted))
        {
            return false;
        }
        // The last value is the one the trusted peer itself added.
        var proto = context.Request.Headers["X-Forwarded-Proto"]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries))
            .LastOrDefault();
        return string.Equals(proto, "https", StringComparison.OrdinalIgnoreCase);
    }
}
