using System.Net.Sockets;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Deploy;

/// <summary>
/// Hosts to deploy to: one private OpenSSH server (Debian's openssh-server) per host on a loopback
/// port, logged into as root with a throwaway key, host keys pinned in a known_hosts file. Each host
/// has its own root folder (sshd's SetEnv gives its sessions CODERUNNER_PREFIX, which scripts/install
/// honours) and runs the judge-server on its own port. Disposing stops every process a host started
/// and removes everything.
/// </summary>
internal sealed class SshHosts : IAsyncDisposable
{
    public const string Role = "judge-server";

    private readonly List<ServerProcess> _sshd = [];

    private SshHosts(string dir) => Dir = dir;

    public string Dir { get; }

    public string SshConfig => Path.Combine(Dir, "ssh_config");

    public List<TestHost> Hosts { get; } = [];

    public IEnumerable<string> Names => Hosts.Select(h => h.Name);

    /// <param name="env">the judge-server.env each host starts with (given its judge-server URL)</param>
    public static async Task<SshHosts> StartAsync(int count, Func<string, string> env)
    {
        if (!File.Exists("/usr/sbin/sshd"))
        {
            throw new InvalidOperationException("openssh-server is not installed: scripts/install-deps test installs it");
        }
        var hosts = new SshHosts(TestDirectory.Create("coderunner-deploy-"));
        try
        {
            await hosts.StartHostsAsync(count, env);
            return hosts;
        }
        catch
        {
            await hosts.DisposeAsync();
            throw;
        }
    }

    private async Task StartHostsAsync(int count, Func<string, string> env)
    {
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation directory
        foreach (var key in new[] { "client_key", "host_key" })
        {
            var keygen = await DeployPaths.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", key, "-f", Path.Combine(Dir, key)]);
            Assert.True(keygen.ExitCode == 0, DeployPaths.Describe(keygen));
        }
        File.Copy(Path.Combine(Dir, "client_key.pub"), Path.Combine(Dir, "authorized_keys"));
        var hostKey = string.Join(' ', File.ReadAllText(Path.Combine(Dir, "host_key.pub")).Split(' ')[..2]);
        var config = new StringBuilder();
        var knownHosts = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            var host = new TestHost($"host{i}", Path.Combine(Dir, $"host{i}"), FreePort.Next());
            var sshPort = FreePort.Next();
            Directory.CreateDirectory(host.Prefix);
            var etc = Directory.CreateDirectory(Path.Combine(host.Prefix, "etc", "coderunner")).FullName;
            File.SetUnixFileMode(etc, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(etc, $"{Role}.env"), env(host.JudgeUrl.ToString().TrimEnd('/')));
            File.SetUnixFileMode(Path.Combine(etc, $"{Role}.env"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var sshdConfig = Path.Combine(Dir, $"sshd_{host.Name}.conf");
            File.WriteAllText(sshdConfig, $"""
                Port {sshPort}
                ListenAddress 127.0.0.1
                HostKey {Dir}/host_key
                PidFile {Dir}/sshd_{host.Name}.pid
                AuthorizedKeysFile {Dir}/authorized_keys
                StrictModes no
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                SetEnv CODERUNNER_PREFIX={host.Prefix}

                """);
            var sshd = new ServerProcess($"sshd {host.Name}", new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-e", "-f", sshdConfig]));
            _sshd.Add(sshd);
            sshd.Start();
            config.Append($"""
                Host {host.Name}
                  HostName 127.0.0.1
                  Port {sshPort}
                  User root
                  IdentityFile {Dir}/client_key
                  IdentitiesOnly yes
                  UserKnownHostsFile {Dir}/known_hosts
                  StrictHostKeyChecking yes
                  LogLevel ERROR

                """);
            knownHosts.Append($"[127.0.0.1]:{sshPort} {hostKey}\n");
            Hosts.Add(host);
            await WaitForPortAsync(sshPort, sshd);
        }
        File.WriteAllText(SshConfig, config.ToString());
        File.WriteAllText(Path.Combine(Dir, "known_hosts"), knownHosts.ToString());
    }

    private static async Task WaitForPortAsync(int port, ServerProcess sshd)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && sshd.Running)
            {
                await Task.Delay(50);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException("sshd did not start: " + sshd.Log, e);
            }
        }
    }

    /// <summary>Installs a release on every host directly (no SSH) and starts it, as a deploy would have.</summary>
    public async Task SeedAsync(string binary, string version)
    {
        await Task.WhenAll(Hosts.Select(async host =>
        {
            var env = new Dictionary<string, string?> { ["CODERUNNER_PREFIX"] = host.Prefix, ["CODERUNNER_ROLE"] = Role };
            var install = await DeployPaths.RunAsync(DeployPaths.Script("install"), ["--role", Role, "--binary", binary, "--version", version], env);
            Assert.True(install.ExitCode == 0, DeployPaths.Describe(install));
            var restart = await DeployPaths.RunAsync(DeployPaths.RestartWithoutSystemd, [], env);
            Assert.True(restart.ExitCode == 0, DeployPaths.Describe(restart));
            await Health.WaitAsync(host.JudgeUrl, "/health/ready", TimeSpan.FromSeconds(90), describe: host.Log);
        }));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            await host.StopAsync();
        }
        foreach (var sshd in _sshd)
        {
            await sshd.StopAsync();
            sshd.Dispose();
        }
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
