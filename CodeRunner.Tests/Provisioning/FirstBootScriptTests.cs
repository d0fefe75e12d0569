using System.Security.Cryptography;
using CodeRunner.Provisioning;
using CodeRunner.Tests.Binary;
using CodeRunner.Tests.Deploy;

namespace CodeRunner.Tests.Provisioning;

/// <summary>
/// A Droplet's first-boot script run for real, as root, into a temporary root (CODERUNNER_PREFIX),
/// with the release downloaded from a file:// URL and the metadata service a local folder.
/// </summary>
[Collection("Deploy")]
public sealed class FirstBootScriptTests(PublishedBinary binary) : IClassFixture<PublishedBinary>, IDisposable
{
    private const string PrivateIp = "10.20.0.7";
    private const string PostgresUrl = "postgresql://doadmin:s3cret@private-coderunner-pg.example.test:25060/defaultdb?sslmode=require";

    private readonly string _prefix = Directory.CreateTempSubdirectory("coderunner-firstboot-").FullName;
    private readonly string _work = Directory.CreateTempSubdirectory("coderunner-firstboot-src-").FullName;

    [Fact]
    public async Task Given_a_judge_server_droplet_When_its_first_boot_script_runs_Then_scripts_install_lays_out_the_release_env_and_unit()
    {
        var script = Script(Sha256(binary.Path));

        var run = await RunAsync(script);

        Assert.True(run.ExitCode == 0, DeployPaths.Describe(run));
        var opt = Path.Combine(_prefix, "opt", "coderunner");
        var release = Path.Combine(opt, "releases", "0.1.0");
        Assert.Equal(Sha256(binary.Path), Sha256(Path.Combine(release, "coderunner")));
        Assert.Equal("755", DeployPaths.Mode(Path.Combine(release, "coderunner")));
        Assert.Equal("releases/0.1.0", new FileInfo(Path.Combine(opt, "current")).LinkTarget);
        // The release carries the install script it was installed with: the repository's.
        Assert.Equal(File.ReadAllText(DeployPaths.Script("install")), File.ReadAllText(Path.Combine(release, "install")));
        Assert.Contains(" 0.1.0 sha256:" + Sha256(binary.Path) + " judge-server install", File.ReadAllText(Path.Combine(opt, "release.log")));

        var etc = Path.Combine(_prefix, "etc", "coderunner");
        Assert.Equal("700", DeployPaths.Mode(etc));
        Assert.Equal((0, 0), DeployPaths.Owner(etc));
        var env = Path.Combine(etc, "judge-server.env");
        Assert.Equal("600", DeployPaths.Mode(env));
        Assert.Equal((0, 0), DeployPaths.Owner(env));
        Assert.Equal(
            ["# /etc/coderunner/judge-server.env (mode 0600), written by coderunner provision.",
             $"Judge__Urls=http://{PrivateIp}:2358", $"POSTGRES_URL={PostgresUrl}"],
            File.ReadAllLines(env));

        Assert.Contains(File.ReadAllLines(Path.Combine(_prefix, "etc", "passwd")), l => l.StartsWith("coderunner:"));
        Assert.Equal("751", DeployPaths.Mode(Path.Combine(_prefix, "var", "lib", "coderunner")));
        DeployPaths.AssertUnitsInstalledAndEnabled(_prefix, "judge-server");
    }

    [Fact]
    public async Task Given_a_download_that_does_not_match_the_release_sha256_When_the_first_boot_script_runs_Then_it_fails_and_installs_nothing()
    {
        var script = Script(new string('0', 64));

        var run = await RunAsync(script);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("FAILED", run.StandardOutput + run.StandardError);
        Assert.False(Directory.Exists(Path.Combine(_prefix, "opt")));
        Assert.False(Directory.Exists(Path.Combine(_prefix, "etc", "coderunner")));
    }

    private string Script(string sha256)
    {
        var options = new ProvisionOptions("nyc3", new Uri("http://127.0.0.1:9/"), new Uri(binary.Path).AbsoluteUri, sha256, "0.1.0",
            [], [], "valkey", DryRun: false, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        IReadOnlyList<EnvVariable> env =
        [
            new("Judge__Urls", $"http://{RoleEnvironment.OwnPrivateIp}:2358", false),
            new("POSTGRES_URL", PostgresUrl, true),
        ];
        return UserData.For(new DropletPlan("judge0-server-1", "judge-server", "s-1vcpu-2gb", 1), env, options);
    }

    private async Task<CliWrap.Buffered.BufferedCommandResult> RunAsync(string script)
    {
        // The metadata service's answer for this Droplet's private address, as a file.
        var metadata = Path.Combine(_work, "metadata");
        var address = Path.Combine(metadata, "interfaces", "private", "0", "ipv4", "address");
        Directory.CreateDirectory(Path.GetDirectoryName(address)!);
        File.WriteAllText(address, PrivateIp);
        var path = Path.Combine(_work, "user-data");
        File.WriteAllText(path, script);
        return await DeployPaths.RunAsync("bash", [path], new Dictionary<string, string?>
        {
            ["CODERUNNER_PREFIX"] = _prefix,
            ["CODERUNNER_METADATA_URL"] = new Uri(metadata).AbsoluteUri,
        });
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        Directory.Delete(_prefix, recursive: true);
        Directory.Delete(_work, recursive: true);
    }
}
