using CodeRunner.Provisioning.DigitalOcean;

namespace CodeRunner.Provisioning;

/// <summary>
/// Makes the seed topology exist: lists what is there (by name, Droplets by the project tag) and
/// creates only what is missing, so a second run creates nothing. Order: VPC, tags, cloud
/// firewalls (by tag, so Droplets are covered from their first boot), databases, then Droplets
/// tier by tier (each tier's env needs the private addresses of the one before), then the
/// databases' trusted sources once they are online. A dry run reads but never writes.
/// </summary>
internal sealed class Reconciler(DigitalOceanClient api, SeedTopology topology, ProvisionOptions options, TextWriter output)
{
    private readonly bool _dry = options.DryRun;
    private int _created;
    private int _updated;
    private int _existing;

    public async Task RunAsync(CancellationToken ct)
    {
        Say(_dry
            ? $"plan for region {topology.Region} (dry run: nothing is created or changed)"
            : $"provisioning region {topology.Region}");
        var vpcs = await api.VpcsAsync(ct);
        var tags = (await api.TagsAsync(ct)).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var droplets = await api.DropletsAsync(SeedTopology.ProjectTag, ct);
        var databases = await api.DatabasesAsync(ct);
        var firewalls = await api.FirewallsAsync(ct);

        var vpc = await EnsureVpcAsync(vpcs, ct);
        await EnsureTagsAsync(tags, ct);
        await EnsureFirewallsAsync(firewalls, ct);
        var book = new AddressBook(placeholders: _dry);
        var created = await EnsureDatabasesAsync(databases, vpc, book, ct);
        await EnsureDropletsAsync(droplets, vpc, book, ct);
        await WaitOnlineAsync(created, ct);
        await EnsureTrustedSourcesAsync(databases.Concat(created).ToList(), created.Select(d => d.Id).ToHashSet(), ct);

        Say(_dry
            ? $"plan: {_created} to create, {_updated} to update, {_existing} already exist"
            : $"done: {_created} created, {_updated} updated, {_existing} already existed");
    }

    private async Task<Vpc?> EnsureVpcAsync(List<Vpc> vpcs, CancellationToken ct)
    {
        var label = $"vpc {topology.VpcName}";
        if (vpcs.FirstOrDefault(v => v.Name == topology.VpcName) is { } vpc)
        {
            Exists(label, $"id {vpc.Id}, {vpc.IpRange}");
            return vpc;
        }
        if (_dry)
        {
            WouldCreate(label, $"{topology.Region}, {topology.VpcIpRange}");
            return null;
        }
        vpc = await api.CreateVpcAsync(
            new VpcCreate(topology.VpcName, topology.Region, topology.VpcIpRange, "CodeRunner: every tier and its databases"), ct);
        Created(label, $"id {vpc.Id}, {vpc.IpRange ?? topology.VpcIpRange}");
        return vpc;
    }

    private async Task EnsureTagsAsync(HashSet<string> existing, CancellationToken ct)
    {
        foreach (var tag in topology.Tags)
        {
            if (existing.Contains(tag))
            {
                Exists($"tag {tag}");
            }
            else if (_dry)
            {
                WouldCreate($"tag {tag}");
            }
            else
            {
                await api.CreateTagAsync(tag, ct);
                Created($"tag {tag}");
            }
        }
    }

    private async Task EnsureFirewallsAsync(List<Firewall> existing, CancellationToken ct)
    {
        foreach (var plan in topology.Firewalls)
        {
            var label = $"firewall {plan.Name}";
            var body = new FirewallBody(plan.Name, [plan.TargetTag], plan.Inbound, topology.Outbound);
            var shown = plan.Inbound.Count == 0 ? "no inbound" : string.Join("; ", plan.Inbound.Select(FirewallRules.Describe));
            var found = existing.FirstOrDefault(f => f.Name == plan.Name);
            if (found is null)
            {
                if (_dry)
                {
                    WouldCreate(label, $"{plan.TargetTag}: {shown}");
                    continue;
                }
                var firewall = await api.CreateFirewallAsync(body, ct);
                Created(label, $"id {firewall.Id}, {plan.TargetTag}: {shown}");
            }
            else if (FirewallRules.Same(found, body))
            {
                Exists(label, $"id {found.Id}");
            }
            else if (_dry)
            {
                Line(label, "would update", $"rules differ; would set {plan.TargetTag}: {shown}");
                _updated++;
            }
            else
            {
                await api.UpdateFirewallAsync(found.Id, body, ct);
                Line(label, "updated", $"{plan.TargetTag}: {shown}");
                _updated++;
            }
        }
    }

    private async Task<List<Database>> EnsureDatabasesAsync(List<Database> existing, Vpc? vpc, AddressBook book, CancellationToken ct)
    {
        var created = new List<Database>();
        foreach (var plan in topology.Databases)
        {
            var label = $"database {plan.Name}";
            if (existing.FirstOrDefault(d => d.Name == plan.Name) is { } database)
            {
                if (database.Engine != plan.Engine)
                {
                    Warn($"{label} exists with engine {database.Engine}, the plan says {plan.Engine}; keeping it");
                }
                Exists(label, $"id {database.Id}, {database.Engine}, {database.Status}");
                book.Add(database);
                continue;
            }
            if (_dry || vpc is null)
            {
                WouldCreate(label, $"{plan.Engine}, {plan.Size}, in {topology.VpcName}");
                continue;
            }
            database = await api.CreateDatabaseAsync(
                new DatabaseCreate(plan.Name, plan.Engine, null, 1, plan.Size, topology.Region, vpc.Id, [SeedTopology.ProjectTag],
                    TrustedSourcesOf(plan)), ct);
            Created(label, $"id {database.Id}, {plan.Engine}, {database.Status}");
            book.Add(database);
            created.Add(database);
        }
        return created;
    }

    private async Task EnsureDropletsAsync(List<Droplet> existing, Vpc? vpc, AddressBook book, CancellationToken ct)
    {
        foreach (var tier in topology.Droplets.GroupBy(d => d.Tier).OrderBy(g => g.Key))
        {
            var pending = new List<Droplet>();
            foreach (var plan in tier)
            {
                var label = $"droplet {plan.Name}";
                if (existing.FirstOrDefault(d => d.Name == plan.Name) is { } droplet)
                {
                    if (vpc is not null && droplet.VpcUuid is { } inVpc && inVpc != vpc.Id)
                    {
                        Warn($"{label} exists outside {topology.VpcName}");
                    }
                    Exists(label, $"id {droplet.Id}, {droplet.Status}{(droplet.PrivateIp is { } ip ? $", private {ip}" : "")}");
                    book.Add(droplet);
                    if (droplet.PrivateIp is null || droplet.Status != "active")
                    {
                        pending.Add(droplet);
                    }
                    continue;
                }
                var env = RoleEnvironment.For(topology, plan, book);
                if (plan.Role == "judge-server" && existing.Any(d => topology.Droplets.Any(p => p.Name == d.Name && p.Role == "lb")))
                {
                    // The lb learns its judge-servers from its env file, written once at its creation.
                    Warn($"{label} is new but the lb already runs: add it to JUDGE_SERVERS in /etc/coderunner/lb.env there and restart coderunner@lb");
                }
                if (_dry || vpc is null)
                {
                    WouldCreate(label, $"{plan.Role}, {plan.Size}, {topology.Image}, tags {string.Join(",", topology.DropletTags(plan))}");
                    foreach (var variable in env)
                    {
                        output.WriteLine($"      {variable.Shown}");
                    }
                    continue;
                }
                droplet = await api.CreateDropletAsync(new DropletCreate(
                    plan.Name, topology.Region, plan.Size, topology.Image, vpc.Id, topology.DropletTags(plan),
                    UserData.For(plan, env, options), options.SshKeys.Count == 0 ? null : options.SshKeys, Monitoring: true), ct);
                Created(label, $"id {droplet.Id}, {plan.Role}, {plan.Size}");
                pending.Add(droplet);
            }
            if (!_dry)
            {
                foreach (var droplet in await WaitActiveAsync(pending, ct))
                {
                    book.Add(droplet);
                }
            }
        }
    }

    private async Task<List<Droplet>> WaitActiveAsync(List<Droplet> droplets, CancellationToken ct)
    {
        var ready = new List<Droplet>();
        var waiting = droplets.ToList();
        var deadline = DateTimeOffset.UtcNow + options.WaitTimeout;
        while (waiting.Count > 0)
        {
            foreach (var droplet in waiting.ToList())
            {
                var now = await api.DropletAsync(droplet.Id, ct);
                if (now.Status == "active" && now.PrivateIp is { } ip)
                {
                    Say($"  droplet {now.Name}: active, private {ip}");
                    ready.Add(now);
                    waiting.Remove(droplet);
                }
            }
            if (waiting.Count == 0)
            {
                break;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"droplets not active after {options.WaitTimeout.TotalMinutes:0.#} min: {string.Join(", ", waiting.Select(d => d.Name))}");
            }
            Say($"  waiting for {string.Join(", ", waiting.Select(d => d.Name))} to become active");
            await Task.Delay(options.PollInterval, ct);
        }
        return ready;
    }

    private async Task WaitOnlineAsync(List<Database> databases, CancellationToken ct)
    {
        var waiting = databases.Where(d => d.Status != "online").ToList();
        var deadline = DateTimeOffset.UtcNow + options.WaitTimeout;
        while (waiting.Count > 0)
        {
            foreach (var database in waiting.ToList())
            {
                var now = await api.DatabaseAsync(database.Id, ct);
                if (now.Status == "online")
                {
                    Say($"  database {now.Name}: online");
                    waiting.Remove(database);
                }
            }
            if (waiting.Count == 0)
            {
                break;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"databases not online after {options.WaitTimeout.TotalMinutes:0.#} min: {string.Join(", ", waiting.Select(d => d.Name))}");
            }
            Say($"  waiting for {string.Join(", ", waiting.Select(d => d.Name))} to come online");
            await Task.Delay(options.PollInterval, ct);
        }
    }

    private async Task EnsureTrustedSourcesAsync(List<Database> databases, HashSet<string> createdNow, CancellationToken ct)
    {
        foreach (var plan in topology.Databases)
        {
            var label = $"trusted sources of {plan.Name}";
            var wanted = TrustedSourcesOf(plan);
            var shown = string.Join(", ", wanted.Select(r => $"{r.Type}:{r.Value}"));
            if (databases.FirstOrDefault(d => d.Name == plan.Name) is not { } database)
            {
                WouldCreate(label, shown);
                continue;
            }
            var current = await api.TrustedSourcesAsync(database.Id, ct);
            if (current.Select(Key).ToHashSet().SetEquals(wanted.Select(Key)))
            {
                if (createdNow.Contains(database.Id))
                {
                    Line(label, "set with the database", shown);
                }
                else
                {
                    Exists(label, shown);
                }
            }
            else if (_dry)
            {
                Line(label, "would update", shown);
                _updated++;
            }
            else
            {
                await api.SetTrustedSourcesAsync(database.Id, wanted, ct);
                Line(label, "updated", shown);
                _updated++;
            }
        }

        static string Key(TrustedSource rule) => $"{rule.Type}:{rule.Value}";
    }

    private static List<TrustedSource> TrustedSourcesOf(DatabasePlan plan) =>
        plan.TrustedTags.Select(tag => new TrustedSource("tag", tag)).ToList();

    private void Exists(string what, string detail = "")
    {
        _existing++;
        Line(what, "exists", detail);
    }

    private void Created(string what, string detail = "")
    {
        _created++;
        Line(what, "created", detail);
    }

    private void WouldCreate(string what, string detail = "")
    {
        _created++;
        Line(what, "would create", detail);
    }

    private void Line(string what, string state, string detail) =>
        Say(detail.Length == 0 ? $"{what}: {state}" : $"{what}: {state} ({detail})");

    private void Warn(string message) => Say($"warning: {message}");

    private void Say(string line)
    {
        output.WriteLine(line);
        output.Flush();
    }
}
