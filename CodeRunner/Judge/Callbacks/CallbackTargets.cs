using System.Net;
using System.Net.Sockets;

namespace CodeRunner.Judge.Callbacks;

/// <summary>
/// Where a callback may go (SSRF, cf. CVE-2024-29021): public addresses, plus the networks the
/// operator names in CALLBACKS_ALLOWED_NETWORKS (e.g. the private network of the application that
/// receives them). Checked when a submission is created (every address the host resolves to) and
/// again on every connection the worker makes to deliver it, so a host that resolves elsewhere
/// later (DNS rebinding) still reaches nothing internal.
/// </summary>
internal sealed class CallbackTargets
{
    public const string Refused = "must not point to a loopback, private or link-local address";

    private readonly IReadOnlyList<IPNetwork> allowed;

    public CallbackTargets(JudgeOptions options)
    {
        allowed = Parse(options.CallbacksAllowedNetworks);
    }

    /// <summary>Why the URL cannot be a callback, in Judge0's 422 style, or null.</summary>
    public async Task<string?> ProblemAsync(string url, CancellationToken ct)
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
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return "host cannot be resolved";
        }
        if (addresses.Length == 0)
        {
            return "host cannot be resolved";
        }
        return addresses.All(Permits) ? null : Refused;
    }

    /// <summary>An IP literal as itself, a name through DNS (at most 5 s).</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [literal];
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        return await Dns.GetHostAddressesAsync(host, timeout.Token);
    }

    public bool Permits(IPAddress address)
    {
        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return !IsInternal(address) || allowed.Any(n => n.Contains(address));
    }

    /// <summary>Loopback, private, carrier-grade NAT, link-local (incl. 169.254.169.254), unique-local, unspecified, multicast.</summary>
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

    /// <summary>"10.20.0.0/16 fd00::/8" (spaces or commas); a bad entry stops the start, naming it.</summary>
    private static List<IPNetwork> Parse(string networks) =>
        networks.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => IPNetwork.TryParse(n, out var network)
                ? network
                : throw new InvalidOperationException($"CALLBACKS_ALLOWED_NETWORKS: '{n}' is not a network in CIDR form (e.g. 10.20.0.0/16)"))
            .ToList();
}
