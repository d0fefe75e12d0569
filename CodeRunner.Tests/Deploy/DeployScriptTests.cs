using System.Text.RegularExpressions;
using CliWrap.Buffered;
using CodeRunner.Tests.Binary;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Deploy;

/// <summary>
/// scripts/deploy against real SSH hosts (<see cref="SshHosts"/>) running the real published binary as
/// judge-servers on one real PostgreSQL, restarted by a stand-in for systemctl.
/// </summary>
[Collection("Deploy")]
public sealed class DeployScriptTests(PublishedBinary binary) : IClassFixture<PublishedBinary>
{
    // Room for a judge-server to start on a loaded machine; the failing host waits all of it.
    private const int ReadyTimeoutSeconds = 45;

    [Fact]
    public async Task Given_three_hosts_When_two_releases_are_deployed_Then_each_host_moves_in_turn_and_migrate_runs_once_per_deploy()
    {
        await using var hosts = await StartHostsAsync(3);

        var first = await DeployAsync(hosts, binary.Path, "1.0.0");
        var pidsOnFirst = hosts.Hosts.Select(h => h.Pid).ToList();
        var second = await DeployAsync(hosts, binary.Path, "2.0.0");

        Assert.True(first.ExitCode == 0, DeployPaths.Describe(first));
        Assert.True(second.ExitCode == 0, DeployPaths.Describe(second));
        foreach (var (host, pid) in hosts.Hosts.Zip(pidsOnFirst))
        {
            Assert.Equal("releases/2.0.0", host.Current);
            Assert.Equal(host.ReleasePath("2.0.0"), host.RunningExecutable);
            Assert.NotEqual(pid, host.Pid);
            Assert.Equal(200, await host.ReadyStatusAsync());
            Assert.Equal(["1.0.0 install", "2.0.0 install"], host.ReleaseLog());
        }
        foreach (var run in new[] { first, second })
        {
            var lines = run.StandardOutput.Split('\n');
            // One host at a time: a host starts only after the one before it answered ready.
            var order = hosts.Names.SelectMany(n => new[] { Index(lines, $"] {n}"), Index(lines, $"deploy: {n} is on ") }).ToList();
            Assert.True(order.All(i => i >= 0) && order.SequenceEqual(order.Order()), run.StandardOutput);
            // Migrate once, on the first host, by the real binary against the real database.
            Assert.Equal(["  [host1] coderunner migrate"], lines.Where(l => l.EndsWith(" coderunner migrate")).ToArray());
            Assert.Single(lines, l => Regex.IsMatch(l, @"^\s+\[host1\] (now at|up to date at) \S+"));
        }
        Assert.Contains(first.StandardOutput.Split('\n'), l => l.Contains("[host1] applied "));
    }

    [Fact]
    public async Task Given_a_release_that_fails_ready_on_host_2_When_deployed_Then_hosts_2_and_1_go_back_and_host_3_is_untouched()
    {
        await using var hosts = await StartHostsAsync(3);
        await hosts.SeedAsync(binary.Path, "1.0.0");
        var pidsBefore = hosts.Hosts.Select(h => h.Pid).ToList();
        // A release that cannot start on host 2 (say, a library missing there); elsewhere it is the real binary.
        File.WriteAllText(Path.Combine(hosts.Hosts[1].Prefix, "broken-release"), "");
        var broken = Path.Combine(hosts.Dir, "broken", "coderunner");
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        File.WriteAllText(broken, $"""
            #!/bin/sh
            if [ -e "$CODERUNNER_PREFIX/broken-release" ]; then echo "coderunner: cannot start here" >&2; exit 1; fi
            exec {binary.Path} "$@"

            """);
        File.SetUnixFileMode(broken, (UnixFileMode)Convert.ToInt32("755", 8));

        var deploy = await DeployAsync(hosts, broken, "2.0.0");

        Assert.True(deploy.ExitCode == 1, DeployPaths.Describe(deploy));
        Assert.Contains("deploy: host2 failed", deploy.StandardOutput);
        Assert.Contains("deploy: rolled back", deploy.StandardOutput);
        foreach (var (host, pid) in hosts.Hosts.Zip(pidsBefore).Take(2))
        {
            Assert.Equal("releases/1.0.0", host.Current);
            Assert.Equal(host.ReleasePath("1.0.0"), host.RunningExecutable);
            Assert.NotEqual(pid, host.Pid);
            Assert.Equal(200, await host.ReadyStatusAsync());
            Assert.Equal(["1.0.0 install", "2.0.0 install", "1.0.0 activate"], host.ReleaseLog());
        }
        var host3 = hosts.Hosts[2];
        Assert.Equal("releases/1.0.0", host3.Current);
        Assert.Equal(pidsBefore[2], host3.Pid);
        Assert.False(host3.HasRelease("2.0.0"));
        Assert.Equal(["1.0.0 install"], host3.ReleaseLog());
        Assert.True(deploy.StandardOutput.IndexOf("[host2] rolled back", StringComparison.Ordinal) <
            deploy.StandardOutput.IndexOf("[host1] rolled back", StringComparison.Ordinal), deploy.StandardOutput);
    }

    [Fact]
    public async Task Given_hosts_on_a_release_When_a_deploy_is_a_dry_run_Then_it_prints_the_plan_and_changes_nothing()
    {
        await using var hosts = await StartHostsAsync(2);
        await hosts.SeedAsync(binary.Path, "1.0.0");
        var pids = hosts.Hosts.Select(h => h.Pid).ToList();
        // Everything but what the running servers write themselves (their log, pid file, state folder).
        var before = hosts.Hosts.Select(h => InstallScriptTests.Snapshot(h.Prefix, p => !p.StartsWith("var") && !p.StartsWith("run"))).ToList();
        var bundles = Directory.GetDirectories("/tmp", "coderunner-deploy.*").Length;

        var plan = await DeployAsync(hosts, binary.Path, "2.0.0", "--dry-run");

        Assert.True(plan.ExitCode == 0, DeployPaths.Describe(plan));
        var lines = plan.StandardOutput.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("  1. host1: 1.0.0 -> 2.0.0: install, coderunner migrate, restart"));
        Assert.Contains(lines, l => l.StartsWith("  2. host2: 1.0.0 -> 2.0.0: install, restart"));
        Assert.Contains("deploy: dry run: nothing changed", plan.StandardOutput);
        Assert.Equal(before, hosts.Hosts.Select(h => InstallScriptTests.Snapshot(h.Prefix, p => !p.StartsWith("var") && !p.StartsWith("run"))).ToList());
        Assert.Equal(pids, hosts.Hosts.Select(h => h.Pid).ToList());
        Assert.All(hosts.Hosts, h => Assert.False(h.HasRelease("2.0.0")));
        Assert.Equal(bundles, Directory.GetDirectories("/tmp", "coderunner-deploy.*").Length);
    }

    [Theory]
    [InlineData("--role judge-server", "--binary is required")]
    [InlineData("--role judge-server --binary /etc/hostname --version 1.0", "no hosts given")]
    [InlineData("--role web --binary /etc/hostname host1", "--role must be one of")]
    [InlineData("--role lb --binary /etc/hostname --version ../x host1", "invalid version")]
    public async Task Given_bad_arguments_When_deploy_runs_Then_it_exits_2_naming_the_problem(string args, string message)
    {
        var result = await DeployPaths.RunAsync(DeployPaths.Script("deploy"), args.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError);
    }

    private static async Task<SshHosts> StartHostsAsync(int count)
    {
        var postgres = await PostgresServer.Shared;
        var database = PostgresServer.ToUrl(await postgres.CreateDatabaseAsync());
        return await SshHosts.StartAsync(count, url => $"""
            # written by the test, as provisioning would
            Judge__Urls={url}
            POSTGRES_URL={database}
            Logging__LogLevel__Default=Warning

            """);
    }

    private static Task<BufferedCommandResult> DeployAsync(SshHosts hosts, string binary, string version, params string[] extra) =>
        DeployPaths.RunAsync(DeployPaths.Script("deploy"),
        [
            "--role", SshHosts.Role, "--binary", binary, "--version", version,
            "--ssh-config", hosts.SshConfig, "--restart-command", DeployPaths.RestartWithoutSystemd,
            "--ready-timeout", ReadyTimeoutSeconds.ToString(), .. extra, .. hosts.Names,
        ], timeoutSeconds: 300);

    private static int Index(string[] lines, string text) => Array.FindIndex(lines, l => l.Contains(text));
}
