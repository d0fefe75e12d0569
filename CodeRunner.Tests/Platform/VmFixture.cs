using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using CodeRunner.Tests.Deploy;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Platform;

/// <summary>
/// One Debian 12 VM (systemd as PID 1, cgroup v2) booted by scripts/vm, with the published binary
/// installed by the repository's own scripts/install, exactly as an operator does it. Slow
/// (software emulation: minutes), so opt-in: only with CODERUNNER_VM_TESTS=1 (scripts/test and
/// scripts/vm test set it); otherwise every platform test is skipped. The host's .NET and this
/// test build are shared read-only into the guest (/mnt/dotnet, /mnt/tests) for the containment
/// suite, and the guest's port 80 (the web IDE) is forwarded to <see cref="IdeUrl"/> on loopback.
/// Test classes share the VM and may run in any order: each asks for the roles it needs
/// (<see cref="UseRoleAllAsync"/>, <see cref="UseSplitRolesAsync"/>). The VM is stopped when the
/// collection ends; CODERUNNER_VM_KEEP=1 keeps it.
/// </summary>
public sealed class VmFixture : IAsyncLifetime
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("CODERUNNER_VM_TESTS") == "1";

    /// <summary>The judge tier's stores for the split roles, local to the guest as managed databases are to a Droplet.</summary>
    /// <summary>With a minute to connect and two per command: under emulation a cold start is slow.</summary>
    private const string PostgresUrl = "postgresql://coderunner:platform-tests@127.0.0.1:5432/coderunner?connect_timeout=60&Command%20Timeout=120";

    private const string RedisUrl = "redis://127.0.0.1:6379";

    private string? roles;
    private string? splitFailure;

    /// <summary>A VM booted by hand to run these tests against, again and again (scripts/vm boot
    /// --name N --forward P:80 --share DOTNET:dotnet --share TESTS:tests): CODERUNNER_VM_REUSE=N.</summary>
    private static readonly string? Reuse = Environment.GetEnvironmentVariable("CODERUNNER_VM_REUSE") is { Length: > 0 } n ? n : null;

    private static readonly string Runs = Environment.GetEnvironmentVariable("CODERUNNER_VM_RUN") ?? "/var/tmp/coderunner-vm";

    public string Name { get; } = Reuse ?? $"platform-{Environment.ProcessId}";

    /// <summary>The guest's web IDE (port 80), forwarded to the host's loopback.</summary>
    public Uri IdeUrl { get; private set; } = new($"http://127.0.0.1:{FreePort.Next()}/");

    /// <summary>
    /// How many times slower than the host the guest runs code: 5 under software emulation (TCG),
    /// 1 under KVM. Time limits in the guest are stretched by it (CODERUNNER_TEST_TIME_SCALE for the
    /// containment suite, Judge0's limits in the split roles' env files).
    /// </summary>
    public int TimeScale { get; private set; } = 1;

    /// <summary>Why the VM did not boot, or null.</summary>
    public string? BootFailure { get; private set; }

    public static string DotnetRoot =>
        Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? root
        : Path.GetDirectoryName(new FileInfo(Environment.ProcessPath!).ResolveLinkTarget(true)?.FullName ?? Environment.ProcessPath!)!;

    public async Task InitializeAsync()
    {
        if (!Enabled) return;
        if (Reuse is not null)
        {
            var forward = File.ReadAllLines(Path.Combine(Runs, Name, "forwards")).Single(f => f.EndsWith(":80", StringComparison.Ordinal));
            IdeUrl = new($"http://127.0.0.1:{forward[..forward.IndexOf(':')]}/");
        }
        var boot = Reuse is not null ? null : await VmAsync([
            "boot", "--name", Name, "--forward", $"{IdeUrl.Port}:80",
            "--share", $"{DotnetRoot}:dotnet", "--share", $"{AppContext.BaseDirectory.TrimEnd('/')}:tests",
        ], 900);
        if (boot is { ExitCode: not 0 }) { BootFailure = "scripts/vm boot failed: " + DeployPaths.Describe(boot); return; }
        var accel = Path.Combine(Runs, Name, "accel");
        TimeScale = File.Exists(accel) && File.ReadAllText(accel).Trim() == "kvm" ? 1 : 5;
        // scripts/vm install puts the binary, systemd/, roles/ and scripts/ into /root/coderunner
        // and runs scripts/install --role all there (a reused VM may still run the split roles).
        if (Reuse is not null) await ShellAsync("systemctl disable --now coderunner@judge-server coderunner@judge-worker 2>&1; true");
        var install = await VmAsync(["install", Name, "all"], 900);
        if (install.ExitCode != 0) { BootFailure = "scripts/vm install NAME all failed: " + DeployPaths.Describe(install); return; }
        roles = "all";
    }

    public async Task DisposeAsync()
    {
        if (!Enabled || Reuse is not null || Environment.GetEnvironmentVariable("CODERUNNER_VM_KEEP") == "1") return;
        await VmAsync(["stop", Name], 180);
    }

    /// <summary>Skips unless CODERUNNER_VM_TESTS=1; fails when the VM could not be booted and installed.</summary>
    public void SkipUnlessBooted()
    {
        Skip.IfNot(Enabled, "platform tests boot a VM: set CODERUNNER_VM_TESTS=1 (scripts/vm test)");
        Assert.True(BootFailure is null, BootFailure);
    }

    /// <summary>Runs a shell command inside the VM as root, with <paramref name="stdin"/> as its input.</summary>
    public Task<BufferedCommandResult> ShellAsync(string command, string? stdin = null, int timeoutSeconds = 600) =>
        VmAsync(["ssh", Name, "--", command], timeoutSeconds, stdin);

    /// <summary>Runs a command that must succeed; returns its trimmed stdout.</summary>
    public async Task<string> InsideAsync(string command, string? stdin = null, int timeoutSeconds = 600)
    {
        var result = await ShellAsync(command, stdin, timeoutSeconds);
        Assert.True(result.ExitCode == 0, $"{command}: {DeployPaths.Describe(result)}");
        return result.StandardOutput.Trim();
    }

    /// <summary>Submits <paramref name="body"/> (Judge0 JSON; a list: each once) <paramref name="times"/> times through the guest's loopback and waits for every result.</summary>
    public async Task<JsonObject[]> RunAsync(object body, int times = 1) =>
        [.. JsonNode.Parse(await JudgeAsync($"run {times}", System.Text.Json.JsonSerializer.Serialize(body)))!
            .AsArray().Select(r => r!.AsObject())];

    /// <summary>Guest/judge.py ARGS inside the guest: the Judge0 API on its loopback.</summary>
    public Task<string> JudgeAsync(string args, string? stdin = null) =>
        InsideAsync($"python3 /mnt/tests/Platform/Guest/judge.py {args}", stdin);

    /// <summary>The journal of a unit since it last started, for failure messages.</summary>
    public async Task<string> JournalAsync(string unit) =>
        (await ShellAsync($"journalctl -u {unit} --no-pager -o cat -n 80 | grep -v '^   at ' | cut -c1-600")).StandardOutput;

    /// <summary>coderunner@all alone, as the README's single-machine install.</summary>
    public async Task UseRoleAllAsync()
    {
        if (roles == "all") return;
        roles = null;
        await InsideAsync("systemctl disable --now coderunner@judge-server coderunner@judge-worker 2>&1; systemctl enable --now coderunner@all 2>&1");
        await InsideAsync("/root/coderunner/scripts/install --role all --wait-ready --timeout 300", timeoutSeconds: 330);
        roles = "all";
    }

    /// <summary>
    /// coderunner@judge-server and coderunner@judge-worker as their own units, through
    /// scripts/install, on the guest's PostgreSQL and Redis (as on Droplets, with managed ones).
    /// </summary>
    public async Task UseSplitRolesAsync()
    {
        if (roles == "split") return;
        // A setup that failed once fails every test that needs it at once, not after its timeouts again.
        Assert.True(splitFailure is null, splitFailure);
        splitFailure = "the split roles failed to start in an earlier test";
        roles = null;
        await InsideAsync("systemctl disable --now coderunner@all 2>&1");
        await InsideAsync($$"""
            set -e
            systemctl start postgresql redis-server
            cd /tmp
            if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'coderunner'\"" | grep -q 1; then
              su postgres -c "psql -c \"CREATE ROLE coderunner LOGIN PASSWORD 'platform-tests'\""
              su postgres -c "createdb -O coderunner coderunner"
            fi
            install -d -m 0700 /etc/coderunner
            for role in judge-server judge-worker; do
              if [ ! -f /etc/coderunner/$role.env ]; then
                { cat /root/coderunner/roles/$role.env; echo 'POSTGRES_URL={{PostgresUrl}}'; echo 'REDIS_URL={{RedisUrl}}'
                  # Emulation is slower: Judge0's default and maximum time limits (compiles run under the maximum), stretched.
                  echo CPU_TIME_LIMIT={{5 * TimeScale}}; echo WALL_TIME_LIMIT={{10 * TimeScale}}
                  echo MAX_CPU_TIME_LIMIT={{15 * TimeScale}}; echo MAX_WALL_TIME_LIMIT={{20 * TimeScale}}
                } >/etc/coderunner/$role.env
              fi
              /root/coderunner/scripts/install --role $role --binary /root/coderunner/coderunner
            done
            """, timeoutSeconds: 600);
        await InsideAsync("systemctl start coderunner@judge-server coderunner@judge-worker");
        foreach (var role in new[] { "judge-server", "judge-worker" })
        {
            var ready = await ShellAsync($"/root/coderunner/scripts/install --role {role} --wait-ready --timeout 300", timeoutSeconds: 330);
            Assert.True(ready.ExitCode == 0, $"{role} not ready: {DeployPaths.Describe(ready)}\n{await JournalAsync("coderunner@" + role)}");
        }
        roles = "split";
        splitFailure = null;
    }

    /// <summary>
    /// No role running (every coderunner unit stopped, not disabled): the guest's two emulated
    /// CPUs for a test that measures time, such as the containment suite.
    /// </summary>
    public async Task UseNoRolesAsync()
    {
        roles = null;
        await InsideAsync("systemctl stop 'coderunner@*' 2>&1");
    }

    /// <summary>`systemctl reboot` in the guest; returns once ssh answers again from the new boot.</summary>
    public async Task RebootAsync()
    {
        var before = await InsideAsync("cat /proc/sys/kernel/random/boot_id");
        // Queued, so the ssh call returns before the connection drops (and is never tried again).
        await InsideAsync("systemd-run --on-active=2 --timer-property=AccuracySec=100ms systemctl reboot");
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            await Task.Delay(3000);
            var now = await ShellAsync("cat /proc/sys/kernel/random/boot_id && systemctl is-system-running --wait", timeoutSeconds: 300);
            var lines = now.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length > 0 && lines[0] != before && lines[0].Length == before.Length)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the guest did not come back within 6 minutes: {DeployPaths.Describe(now)}");
        }
    }

    private static async Task<BufferedCommandResult> VmAsync(string[] args, int timeoutSeconds, string? stdin = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var command = Cli.Wrap(DeployPaths.Script("vm"))
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None);
        if (stdin is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(stdin));
        }
        return await command.ExecuteBufferedAsync(timeout.Token);
    }
}

[CollectionDefinition(Name)]
public sealed class VmCollection : ICollectionFixture<VmFixture>
{
    public const string Name = "platform VM";
}
