using System.Security.Cryptography;
using CodeRunner.Tests.Binary;

namespace CodeRunner.Tests.Deploy;

/// <summary>scripts/install run for real, as root, into a temporary root (--prefix).</summary>
[Collection("Deploy")]
public sealed class InstallScriptTests(PublishedBinary binary) : IClassFixture<PublishedBinary>, IDisposable
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("coderunner-install-").FullName;
    private readonly string _work = Directory.CreateTempSubdirectory("coderunner-install-src-").FullName;

    private string Opt => Path.Combine(_prefix, "opt", "coderunner");

    [Fact]
    public async Task Given_a_fresh_root_When_installed_twice_Then_the_second_run_changes_nothing()
    {
        var first = await Install("--role", "judge-server", "--binary", binary.Path);
        var afterFirst = Snapshot(_prefix);
        var second = await Install("--role", "judge-server", "--binary", binary.Path);

        Assert.True(first.ExitCode == 0, DeployPaths.Describe(first));
        Assert.True(second.ExitCode == 0, DeployPaths.Describe(second));
        Assert.Equal(afterFirst, Snapshot(_prefix));
        var version = (await DeployPaths.RunAsync(binary.Path, ["--version"])).StandardOutput.Trim();
        Assert.Contains($"current is already {version}", second.StandardOutput);
        Assert.Equal($"releases/{version}", new FileInfo(Path.Combine(Opt, "current")).LinkTarget);
        var installed = Path.Combine(Opt, "releases", version, "coderunner");
        Assert.Equal(Sha256(binary.Path), Sha256(installed));
        Assert.Equal("755", DeployPaths.Mode(installed));
        var log = Assert.Single(File.ReadAllLines(Path.Combine(Opt, "release.log")));
        Assert.Equal([version, "sha256:" + Sha256(binary.Path), "judge-server", "install"], log.Split(' ')[1..]);

        var user = Assert.Single(File.ReadAllLines(Path.Combine(_prefix, "etc", "passwd")), l => l.StartsWith("coderunner:"));
        var fields = user.Split(':');
        Assert.Equal(("/var/lib/coderunner", "/usr/sbin/nologin"), (fields[5], fields[6]));
        var state = Path.Combine(_prefix, "var", "lib", "coderunner");
        Assert.Equal((int.Parse(fields[2]), int.Parse(fields[3])), DeployPaths.Owner(state));
        Assert.Equal("751", DeployPaths.Mode(state));

        var etc = Path.Combine(_prefix, "etc", "coderunner");
        Assert.Equal("700", DeployPaths.Mode(etc));
        Assert.Equal((0, 0), DeployPaths.Owner(etc));
        var env = Path.Combine(etc, "judge-server.env");
        Assert.Equal("600", DeployPaths.Mode(env));
        Assert.Equal(File.ReadAllText(Path.Combine(DeployPaths.Root, "roles", "judge-server.env")), File.ReadAllText(env));

        DeployPaths.AssertUnitsInstalledAndEnabled(_prefix, "judge-server");
    }

    [Fact]
    public async Task Given_role_all_When_installed_twice_Then_its_unit_takes_the_client_and_worker_drop_ins_its_env_file_is_roles_all_and_nothing_changes_the_second_time()
    {
        var first = await Install("--role", "all", "--binary", FakeBinary("all"), "--version", "1.0.0");
        var afterFirst = Snapshot(_prefix);
        var second = await Install("--role", "all", "--binary", FakeBinary("all"), "--version", "1.0.0");

        Assert.True(first.ExitCode == 0, DeployPaths.Describe(first));
        Assert.True(second.ExitCode == 0, DeployPaths.Describe(second));
        Assert.Equal(afterFirst, Snapshot(_prefix));
        var dropIns = Path.Combine(_prefix, "etc", "systemd", "system", "coderunner@all.service.d");
        Assert.Equal(["client-override.conf", "judge-worker-override.conf"], Directory.GetFiles(dropIns).Select(Path.GetFileName).Order());
        foreach (var role in new[] { "client", "judge-worker" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(DeployPaths.Systemd, $"coderunner@{role}.service.d", "override.conf")),
                File.ReadAllText(Path.Combine(dropIns, $"{role}-override.conf")));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(DeployPaths.Root, "roles", "all.env")), File.ReadAllText(Path.Combine(_prefix, "etc", "coderunner", "all.env")));
        DeployPaths.AssertUnitsInstalledAndEnabled(_prefix, "all");
    }

    [Fact]
    public async Task Given_an_installed_release_When_a_new_version_is_installed_and_rolled_back_Then_the_log_gains_one_line_per_change()
    {
        var v1 = FakeBinary("one");
        var v2 = FakeBinary("two");
        Assert.Equal(0, (await Install("--role", "lb", "--binary", v1, "--version", "1.0.0")).ExitCode);

        var upgrade = await Install("--role", "lb", "--binary", v2, "--version", "1.1.0");
        var again = await Install("--role", "lb", "--binary", v2, "--version", "1.1.0");
        var previous = await Install("--role", "lb", "--previous");
        var rollback = await Install("--role", "lb", "--activate", "1.0.0");
        var rollbackAgain = await Install("--role", "lb", "--activate", "1.0.0");
        var current = await Install("--role", "lb", "--current");

        Assert.True(upgrade.ExitCode == 0 && again.ExitCode == 0 && rollback.ExitCode == 0 && rollbackAgain.ExitCode == 0,
            DeployPaths.Describe(upgrade) + DeployPaths.Describe(rollback));
        Assert.Equal("1.0.0", previous.StandardOutput.Trim());
        Assert.Equal("1.0.0", current.StandardOutput.Trim());
        Assert.Equal("releases/1.0.0", new FileInfo(Path.Combine(Opt, "current")).LinkTarget);
        var log = File.ReadAllLines(Path.Combine(Opt, "release.log")).Select(l => string.Join(' ', l.Split(' ')[1], l.Split(' ')[4]));
        Assert.Equal(["1.0.0 install", "1.1.0 install", "1.0.0 activate"], log);
        Assert.Contains("echo two\n", File.ReadAllText(Path.Combine(Opt, "releases", "1.1.0", "coderunner")));
    }

    [Fact]
    public async Task Given_an_installed_version_When_a_different_binary_claims_it_Then_install_refuses_and_changes_nothing()
    {
        Assert.Equal(0, (await Install("--role", "lb", "--binary", FakeBinary("one"), "--version", "1.0.0")).ExitCode);

        var clash = await Install("--role", "lb", "--binary", FakeBinary("other"), "--version", "1.0.0");

        Assert.Equal(1, clash.ExitCode);
        Assert.Contains("already installed with a different binary", clash.StandardError);
        Assert.Contains("echo one\n", File.ReadAllText(Path.Combine(Opt, "releases", "1.0.0", "coderunner")));
        Assert.Single(File.ReadAllLines(Path.Combine(Opt, "release.log")));
    }

    [Fact]
    public async Task Given_an_edited_env_file_When_installed_again_Then_it_is_kept_its_mode_is_repaired_and_run_reads_it_literally()
    {
        Assert.Equal(0, (await Install("--role", "lb", "--binary", FakeBinary("one"), "--version", "1.0.0")).ExitCode);
        var env = Path.Combine(_prefix, "etc", "coderunner", "lb.env");
        // Values as systemd's EnvironmentFile= reads them: quotes stripped, nothing evaluated.
        File.WriteAllText(env, "# edited\nJUDGE_SERVERS=\"http://10.0.0.5:2358,http://10.0.0.6:2358\"\nSECRET=a&b$(touch /tmp/x)\n");
        File.SetUnixFileMode(env, (UnixFileMode)Convert.ToInt32("644", 8));

        var reinstall = await Install("--role", "lb", "--binary", FakeBinary("two"), "--version", "2.0.0");
        var run = await Install("--role", "lb", "--run", "first", "second arg");

        Assert.Equal(0, reinstall.ExitCode);
        Assert.StartsWith("# edited\n", File.ReadAllText(env));
        Assert.Equal("600", DeployPaths.Mode(env));
        Assert.True(run.ExitCode == 0, DeployPaths.Describe(run));
        Assert.Equal(
            ["two", "servers=http://10.0.0.5:2358,http://10.0.0.6:2358", "secret=a&b$(touch /tmp/x)",
             $"pwd={Path.Combine(_prefix, "var", "lib", "coderunner")}", "args=first|second arg"],
            run.StandardOutput.TrimEnd('\n').Split('\n'));
    }

    /// <summary>A stand-in build: a script that says which build it is and what it was given.</summary>
    private string FakeBinary(string name)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, "#!/bin/sh\necho " + name + "\necho \"servers=$JUDGE_SERVERS\"\necho \"secret=$SECRET\"\necho \"pwd=$(pwd)\"\n" +
            "printf 'args=%s' \"$1\"; shift; for a in \"$@\"; do printf '|%s' \"$a\"; done; echo\n");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
        return path;
    }

    private Task<CliWrap.Buffered.BufferedCommandResult> Install(params string[] args) =>
        DeployPaths.RunAsync(DeployPaths.Script("install"), ["--prefix", _prefix, .. args]);

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Every entry below a folder: path, type, mode, owner, size, modification time, link target.</summary>
    internal static List<string> Snapshot(string root, Func<string, bool>? include = null) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p))
            .Where(p => include?.Invoke(p) ?? true)
            .Order(StringComparer.Ordinal)
            .Select(p =>
            {
                var full = Path.Combine(root, p);
                var info = new FileInfo(full);
                var owner = DeployPaths.Owner(full);
                return $"{p} {info.Attributes} {DeployPaths.Mode(full)} {owner} {(info.Exists ? info.Length : 0)} {info.LastWriteTimeUtc:O} {info.LinkTarget}";
            })
            .ToList();

    public void Dispose()
    {
        Directory.Delete(_prefix, recursive: true);
        Directory.Delete(_work, recursive: true);
    }
}
