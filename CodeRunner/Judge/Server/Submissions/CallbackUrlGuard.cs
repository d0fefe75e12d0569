using System.Net;
using System.Net.Sockets;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// Refuses callback URLs that would make the judge call into its own network (SSRF, cf.
/// CVE-2024-29021): the host is resolved and every address must be public.
/// </summary>
internal static class CallbackUrlGuard
{
    public static async Task<string?> ProblemAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return "is not a valid http or https URL";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not contain credentials";
        }
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return "host cannot be resolved";
            }
        }
        if (addresses.Length == 0)
        {
            return "host cannot be resolved";
        }
        return addresses.Any(IsInternal) ? "must not point to a loopback, private or link-local address" : null;
    }

    /// <summary>Loopback, private, carrier-grade NAT, link-local (incl. 169.254.169.254), unique-local, unspecified.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 or 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || b[0] >= 224;
        }
        var bytes = address.GetAddressBytes();
        return IPAddress.IsLoopback(address)
            || address.Equals(IPAddress.IPv6None)
            || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast
            || (bytes[0] & 0xFE) == 0xFC;
    }
}
