using CliWrap;
using CliWrap.Buffered;

namespace CodeRunner.Tests.Smoke;

/// <summary>
/// scripts/smoke-cluster: the seed topology in network namespaces with the production firewalls.
/// It uses the whole machine for a minute, so it runs alone, under its own SMOKE_ID (names
/// crsmk-&lt;id&gt;-*, its own namespaces and therefore its own ports).
/// </summary>
[Collection(SmokeCollection.Name)]
public sealed class SmokeClusterTests
{
    [Fact]
    public async Task Given_the_seed_topology_in_namespaces_Then_every_check_passes_and_nothing_is_left_behind()
    {
        // Arrange
        Assert.True(Environment.UserName == "root", "scripts/smoke-cluster needs root (network namespaces, iptables); run ./scripts/test as root");
        var id = "t" + Guid.NewGuid().ToString("N")[..3];
        var script = Path.Combine(RepoRoot(), "scripts", "smoke-cluster");
        using var graceful = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        using var forceful = new CancellationTokenSource(TimeSpan.FromMinutes(10));

        // Act
        var result = await Cli.Wrap(script)
            .WithEnvironmentVariables(e => e.Set("SMOKE_ID", id))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(System.Text.Encoding.UTF8, System.Text.Encoding.UTF8, forceful.Token, graceful.Token);

        // Assert
        var output = result.StandardOutput + result.StandardError;
        Assert.True(result.ExitCode == 0, $"smoke-cluster exited {result.ExitCode}:\n{Tail(output)}");
        Assert.Contains("PASS 1 ", output);
        Assert.Contains("PASS 2 reachability", output);
        Assert.Contains("PASS 3 no submission lost", output);
        Assert.DoesNotContain("FAIL ", output);
        Assert.Empty(await LeftoversAsync($"crsmk-{id}"));
    }

    /// <summary>Anything named after the run that still exists: namespaces, links, mounts, cgroups, temp dirs, host rules.</summary>
    private static async Task<List<string>> LeftoversAsync(string prefix)
    {
        var found = new List<string>();
        found.AddRange(Directory.Exists("/run/netns")
            ? Directory.GetFileSystemEntries("/run/netns", prefix + "*").Select(n => "namespace " + n)
            : []);
        found.AddRange(Directory.GetFileSystemEntries("/sys/class/net", prefix + "*").Select(l => "link " + l));
        found.AddRange(File.ReadLines("/proc/self/mountinfo").Where(l => l.Contains(prefix)).Select(l => "mount " + l));
        found.AddRange(new[] { "/sys/fs/cgroup" }.Concat(Directory.GetDirectories("/sys/fs/cgroup"))
            .SelectMany(h => Directory.GetDirectories(h, prefix + "*")).Select(c => "cgroup " + c));
        found.AddRange(Directory.GetDirectories("/tmp", prefix + ".*").Select(d => "temp dir " + d));
        var rules = await Cli.Wrap("iptables").WithArguments(["-w", "-S", "FORWARD"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        found.AddRange(rules.StandardOutput.Split('\n').Where(r => r.Contains(prefix)).Select(r => "host rule " + r));
        return found;
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CodeRunner.csproj")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

/// <summary>The smoke cluster uses most of the machine; it runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SmokeCollection
{
    public const string Name = "smoke";
}
