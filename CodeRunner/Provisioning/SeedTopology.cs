using CodeRunner.Provisioning.DigitalOcean;

namespace CodeRunner.Provisioning;

/// <summary>One managed database of the topology and the env variable its connection URI fills.</summary>
internal sealed record DatabasePlan(string Name, string Engine, string Size, string EnvVar, IReadOnlyList<string> TrustedTags);

/// <summary>
/// One Droplet. <paramref name="Tier"/> orders creation: a tier's env needs the private addresses
/// of the tiers before it (lb → judge-servers, runner → lb, client → runner).
/// </summary>
internal sealed record DropletPlan(string Name, string Role, string Size, int Tier)
{
    public string RoleTag => SeedTopology.RoleTag(Role);
}

internal sealed record FirewallPlan(string Name, string TargetTag, IReadOnlyList<InboundRule> Inbound);

/// <summary>The seed topology as data: what <c>coderunner provision</c> makes exist.</summary>
internal sealed record SeedTopology(
    string Region,
    string VpcName,
    string VpcIpRange,
    string Image,
    IReadOnlyList<string> Tags,
    IReadOnlyList<DatabasePlan> Databases,
    IReadOnlyList<DropletPlan> Droplets,
    IReadOnlyList<FirewallPlan> Firewalls,
    IReadOnlyList<OutboundRule> Outbound)
{
    public const string ProjectTag = "coderunner";
    public const string JudgeServerPort = "2358";
    public const string LbPort = "2358";
    public const string RunnerPort = "4000";

    public static string RoleTag(string role) => $"{ProjectTag}-{role}";

    /// <param name="servers">judge0-server-1..N; the lb's JUDGE_SERVERS lists them all.</param>
    /// <param name="workers">judge0-worker-1..N, of <paramref name="workerSize"/> (a slot per vCPU).</param>
    public static SeedTopology Create(string region, string redisEngine, IReadOnlyList<string> sshFrom,
        int servers = 2, int workers = 2, string workerSize = "s-2vcpu-4gb")
    {
        string[] roles = ["client", "runner", "lb", "judge-server", "judge-worker"];
        DropletPlan[] droplets =
        [
            .. Enumerable.Range(1, servers).Select(i => new DropletPlan($"judge0-server-{i}", "judge-server", ProvisionCommand.ServerSize, 1)),
            .. Enumerable.Range(1, workers).Select(i => new DropletPlan($"judge0-worker-{i}", "judge-worker", workerSize, 1)),
            new("judge0-lb", "lb", "s-1vcpu-2gb", 2),
            new("runner", "runner", "s-1vcpu-2gb", 3),
            new("client", "client", "s-1vcpu-2gb", 4),
        ];
        DatabasePlan[] databases =
        [
            new("coderunner-pg", "pg", "db-s-1vcpu-1gb", "POSTGRES_URL", [RoleTag("judge-server"), RoleTag("judge-worker")]),
            new("coderunner-redis", redisEngine, "db-s-1vcpu-1gb", "REDIS_URL", [RoleTag("judge-server"), RoleTag("judge-worker")]),
            new("coderunner-mongo", "mongodb", "db-s-1vcpu-1gb", "MONGO_URL", [RoleTag("runner")]),
        ];
        var anywhere = new RuleTarget(Addresses: ["0.0.0.0/0", "::/0"]);
        InboundRule From(string port, string role) => new("tcp", port, new RuleTarget(Tags: [RoleTag(role)]));
        // Optional operator access: SSH from the given addresses on every Droplet (none by default).
        InboundRule[] ssh = sshFrom.Count == 0 ? [] : [new("tcp", "22", new RuleTarget(Addresses: sshFrom))];
        FirewallPlan[] firewalls =
        [
            new("coderunner-client", RoleTag("client"), [new("tcp", "80", anywhere), new("tcp", "443", anywhere), .. ssh]),
            new("coderunner-runner", RoleTag("runner"), [From(RunnerPort, "client"), .. ssh]),
            new("coderunner-lb", RoleTag("lb"), [From(LbPort, "runner"), .. ssh]),
            new("coderunner-judge-server", RoleTag("judge-server"), [From(JudgeServerPort, "lb"), .. ssh]),
            new("coderunner-judge-worker", RoleTag("judge-worker"), [.. ssh]),
        ];
        // A cloud firewall drops what it does not allow, outbound too: every tier may reach out
        // (databases, apt, the release download); inbound is only what the rules above allow.
        OutboundRule[] outbound =
        [
            new("tcp", "all", anywhere),
            new("udp", "all", anywhere),
        ];
        return new SeedTopology(
            region,
            $"coderunner-{region}",
            "10.20.0.0/16",
            "ubuntu-24-04-x64",
            [ProjectTag, .. roles.Select(RoleTag)],
            databases,
            droplets,
            firewalls,
            outbound);
    }

    public IReadOnlyList<string> DropletTags(DropletPlan droplet) => [ProjectTag, droplet.RoleTag];
}
