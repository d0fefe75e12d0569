namespace CodeRunner.Provisioning;

/// <summary>Where the other tiers are: real addresses when provisioning, placeholders in a dry run.</summary>
internal interface IAddressBook
{
    string PrivateIp(string dropletName);

    string DatabaseUri(string databaseName);
}

/// <summary>One line of a role's env file; secrets are masked whenever it is shown.</summary>
internal sealed record EnvVariable(string Name, string Value, bool Secret)
{
    public string Shown => $"{Name}={(Secret ? Secrets.Mask(Value) : Value)}";
}

/// <summary>The variables each role's /etc/coderunner/&lt;role&gt;.env gets at provision time.</summary>
internal static class RoleEnvironment
{
    /// <summary>Replaced on the Droplet by its own private address (from the metadata service).</summary>
    public const string OwnPrivateIp = "@PRIVATE_IP@";

    public static IReadOnlyList<EnvVariable> For(SeedTopology topology, DropletPlan droplet, IAddressBook addresses)
    {
        var env = new List<EnvVariable>();
        void Add(string name, string value) => env.Add(new(name, value, false));
        string Url(string dropletName, string port) => $"http://{addresses.PrivateIp(dropletName)}:{port}";
        IEnumerable<string> NamesOf(string role) => topology.Droplets.Where(d => d.Role == role).Select(d => d.Name);

        switch (droplet.Role)
        {
            case "client":
                Add("Client__Urls", "http://0.0.0.0:80");
                Add("RUNNER_API_URL", Url(NamesOf("runner").First(), SeedTopology.RunnerPort));
                break;
            case "runner":
                Add("Runner__Urls", $"http://{OwnPrivateIp}:{SeedTopology.RunnerPort}");
                Add("JUDGE0_URL", Url(NamesOf("lb").First(), SeedTopology.LbPort));
                break;
            case "lb":
                Add("Lb__Urls", $"http://{OwnPrivateIp}:{SeedTopology.LbPort}");
                Add("JUDGE_SERVERS", string.Join(",", NamesOf("judge-server").Select(n => Url(n, SeedTopology.JudgeServerPort))));
                break;
            case "judge-server":
                Add("Judge__Urls", $"http://{OwnPrivateIp}:{SeedTopology.JudgeServerPort}");
                break;
            case "judge-worker":
                Add("Worker__Urls", "http://127.0.0.1:2360");
                break;
            default:
                throw new InvalidOperationException($"unknown role {droplet.Role}");
        }
        // A role gets the URI of every database that trusts it, so env and trusted sources agree.
        foreach (var database in topology.Databases.Where(d => d.TrustedTags.Contains(droplet.RoleTag)))
        {
            env.Add(new(database.EnvVar, addresses.DatabaseUri(database.Name), true));
        }
        return env;
    }
}
