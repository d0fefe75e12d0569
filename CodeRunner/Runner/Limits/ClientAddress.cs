using System.Net;

namespace CodeRunner.Runner.Limits;

/// <summary>
/// The caller's IP for per-IP limits: the connection's peer, or, when that peer is a trusted proxy
/// (the client role), the nearest untrusted address in its X-Forwarded-For.
/// </summary>
internal static class ClientAddress
{
    public static IPAddress Of(HttpContext context, IReadOnlyList<IPNetwork> trusted)
    {
        var address = Normalize(context.Connection.RemoteIpAddress ?? IPAddress.None);
        if (!IsTrusted(address, trusted))
        {
            return address;
        }
        var hops = context.Request.Headers["X-Forwarded-For"]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        // Right to left: each trusted hop vouches for the one before it.
        for (var i = hops.Count - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop))
            {
                break;
            }
            address = Normalize(hop);
            if (!IsTrusted(address, trusted))
            {
                break;
            }
        }
        return address;
    }

    /// <summary>Whether the address (IPv4-mapped or not) is one of the trusted proxies.</summary>
    public static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trusted)
    {
        var normalized = Normalize(address);
        return trusted.Any(n => n.Contains(normalized));
    }

    private static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
