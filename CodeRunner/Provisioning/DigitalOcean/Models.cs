namespace CodeRunner.Provisioning.DigitalOcean;

// The DigitalOcean v2 API's request and response bodies, only the fields provisioning uses.
// Names follow the API (snake_case via DigitalOceanJson); null fields are left out of requests.

internal sealed record VpcCreate(string Name, string Region, string? IpRange, string? Description);

internal sealed record Vpc(string Id, string Name, string? Region, string? IpRange);

internal sealed record TagCreate(string Name);

internal sealed record Tag(string Name);

internal sealed record DropletCreate(
    string Name,
    string Region,
    string Size,
    string Image,
    string VpcUuid,
    IReadOnlyList<string> Tags,
    string UserData,
    IReadOnlyList<string>? SshKeys,
    bool Monitoring);

internal sealed record Droplet(long Id, string Name, string Status, IReadOnlyList<string>? Tags, DropletNetworks? Networks, string? VpcUuid)
{
    public string? PrivateIp => Networks?.V4?.FirstOrDefault(n => n.Type == "private")?.IpAddress;
}

internal sealed record DropletNetworks(IReadOnlyList<NetworkV4>? V4);

internal sealed record NetworkV4(string IpAddress, string Type);

internal sealed record DatabaseCreate(
    string Name,
    string Engine,
    string? Version,
    int NumNodes,
    string Size,
    string Region,
    string PrivateNetworkUuid,
    IReadOnlyList<string> Tags,
    IReadOnlyList<TrustedSource> Rules);

internal sealed record Database(
    string Id,
    string Name,
    string Engine,
    string Status,
    DatabaseConnection? Connection,
    DatabaseConnection? PrivateConnection,
    string? PrivateNetworkUuid)
{
    /// <summary>The VPC-side URI when DigitalOcean gives one (Droplets in the VPC use it), else the public one.</summary>
    public string? Uri => PrivateConnection?.Uri is { Length: > 0 } p ? p : Connection?.Uri;
}

internal sealed record DatabaseConnection(string? Uri, string? Host, int? Port);

internal sealed record TrustedSource(string Type, string Value);

internal sealed record TrustedSources(IReadOnlyList<TrustedSource>? Rules);

internal sealed record RuleTarget(IReadOnlyList<string>? Addresses = null, IReadOnlyList<string>? Tags = null, IReadOnlyList<long>? DropletIds = null);

internal sealed record InboundRule(string Protocol, string Ports, RuleTarget Sources);

internal sealed record OutboundRule(string Protocol, string Ports, RuleTarget Destinations);

/// <summary>Create (POST) and update (PUT, a full replacement) share this body.</summary>
internal sealed record FirewallBody(string Name, IReadOnlyList<string> Tags, IReadOnlyList<InboundRule> InboundRules, IReadOnlyList<OutboundRule> OutboundRules);

internal sealed record Firewall(
    string Id,
    string Name,
    IReadOnlyList<string>? Tags,
    IReadOnlyList<InboundRule>? InboundRules,
    IReadOnlyList<OutboundRule>? OutboundRules);

internal sealed record ApiError(string? Id, string? Message);

internal sealed record PageLinks(Pages? Pages);

internal sealed record Pages(string? Next, string? Last);

internal sealed record Meta(int Total);

// Envelopes: a single object under its singular name, a collection under its plural name.
internal sealed record VpcEnvelope(Vpc Vpc);

internal sealed record VpcPage(IReadOnlyList<Vpc>? Vpcs, PageLinks? Links, Meta? Meta);

internal sealed record TagEnvelope(Tag Tag);

internal sealed record TagPage(IReadOnlyList<Tag>? Tags, PageLinks? Links, Meta? Meta);

internal sealed record DropletEnvelope(Droplet Droplet);

internal sealed record DropletPage(IReadOnlyList<Droplet>? Droplets, PageLinks? Links, Meta? Meta);

internal sealed record DatabaseEnvelope(Database Database);

internal sealed record DatabasePage(IReadOnlyList<Database>? Databases, PageLinks? Links, Meta? Meta);

internal sealed record FirewallEnvelope(Firewall Firewall);

internal sealed record FirewallPage(IReadOnlyList<Firewall>? Firewalls, PageLinks? Links, Meta? Meta);
