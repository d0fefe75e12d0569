using System.Net;

namespace CodeRunner.Hosting.Ops;

/// <summary>
/// Source addresses a role's listeners accept (<c>&lt;Section&gt;:AllowFrom</c>, or <c>ALLOW_FROM</c> for
/// every role without its own): addresses or CIDRs, comma separated. Empty admits everyone.
/// </summary>
internal sealed class SourceAllowList(IReadOnlyList<IPNetwork> networks)
{
    public const string AnyRoleKey = "ALLOW_FROM";

    public bool IsOpen => networks.Count == 0;

    public bool Admits(IPAddress? address)
    {
        if (IsOpen)
        {
            return true;
        }
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    public static SourceAllowList Load(IConfiguration configuration, string section)
    {
        var key = $"{section}:AllowFrom";
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            key = AnyRoleKey;
            value = configuration[key];
        }
        return Parse(key, value);
    }

    /// <summary>The list in one setting only (no <see cref="AnyRoleKey"/> fallback); unset is open.</summary>
    public static SourceAllowList LoadKey(IConfiguration configuration, string key) => Parse(key, configuration[key]);

    private static SourceAllowList Parse(string key, string? value)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            networks.Add(ParseEntry(key, entry));
        }
        return new SourceAllowList(networks);
    }

    private static IPNetwork ParseEntry(string key, string entry)
    {
        if (entry.Contains('/') && IPNetwork.TryParse(entry, out var network))
        {
            return network;
        }
        if (!entry.Contains('/') && IPAddress.TryParse(entry, out var address))
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }
        throw new InvalidOperationException($"{key}: '{entry}' is not an address or CIDR like 10.0.0.2 or 10.0.0.0/24");
    }
}
