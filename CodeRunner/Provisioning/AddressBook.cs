using CodeRunner.Provisioning.DigitalOcean;

namespace CodeRunner.Provisioning;

/// <summary>
/// Private addresses and database URIs learnt while provisioning. In a dry run what is not known
/// yet shows as a placeholder; in a real run asking for it is a bug in the tier order.
/// </summary>
internal sealed class AddressBook(bool placeholders) : IAddressBook
{
    private readonly Dictionary<string, string> _ips = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _uris = new(StringComparer.Ordinal);

    public void Add(Droplet droplet)
    {
        if (droplet.PrivateIp is { } ip)
        {
            _ips[droplet.Name] = ip;
        }
    }

    public void Add(Database database)
    {
        if (database.Uri is { } uri)
        {
            _uris[database.Name] = uri;
        }
    }

    public string PrivateIp(string dropletName) =>
        _ips.TryGetValue(dropletName, out var ip) ? ip
        : placeholders ? $"<private ip of {dropletName}>"
        : throw new InvalidOperationException($"the private address of {dropletName} is not known yet");

    public string DatabaseUri(string databaseName) =>
        _uris.TryGetValue(databaseName, out var uri) ? uri
        : placeholders ? $"<private uri of {databaseName}>"
        : throw new InvalidOperationException($"the connection URI of {databaseName} is not known (no connection in the API's answer)");
}
