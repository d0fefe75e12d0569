using CodeRunner.Provisioning.DigitalOcean;

namespace CodeRunner.Provisioning;

/// <summary>Compares cloud firewalls by what they allow, not by how the API happens to order or spell it.</summary>
internal static class FirewallRules
{
    public static bool Same(Firewall existing, FirewallBody wanted) =>
        Set(existing.Tags).SetEquals(wanted.Tags)
        && Keys(existing.InboundRules?.Select(r => (r.Protocol, r.Ports, r.Sources))).SetEquals(
            Keys(wanted.InboundRules.Select(r => (r.Protocol, r.Ports, r.Sources))))
        && Keys(existing.OutboundRules?.Select(r => (r.Protocol, r.Ports, r.Destinations))).SetEquals(
            Keys(wanted.OutboundRules.Select(r => (r.Protocol, r.Ports, r.Destinations))));

    public static string Describe(InboundRule rule) =>
        $"{rule.Protocol} {rule.Ports} from {string.Join(",", [.. rule.Sources.Tags?.Select(t => "tag:" + t) ?? [], .. rule.Sources.Addresses ?? []])}";

    private static HashSet<string> Keys(IEnumerable<(string Protocol, string Ports, RuleTarget Target)>? rules) =>
        (rules ?? []).Select(r => string.Join("|",
            r.Protocol,
            r.Ports is "all" or "0" or "" ? "all" : r.Ports,
            string.Join(",", (r.Target.Addresses ?? []).Order(StringComparer.Ordinal)),
            string.Join(",", (r.Target.Tags ?? []).Order(StringComparer.Ordinal)),
            string.Join(",", (r.Target.DropletIds ?? []).Order())))
        .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> Set(IEnumerable<string>? values) => (values ?? []).ToHashSet(StringComparer.Ordinal);
}
