using CliWrap;
using CliWrap.Buffered;
using CodeRunner.Tests.Deploy;

namespace CodeRunner.Tests.Platform;

/// <summary>
/// One Debian 12 VM (systemd as PID 1, cgroup v2) booted by scripts/vm, with the published binary
/// installed by the repository's own scripts/install as `--role all`. Slow (software emulation:
/// minutes), so opt-in: only with CODERUNNER_VM_TESTS=1; otherwise every platform test is skipped.
/// The VM is stopped (its overlay removed) when the collection ends; CODERUNNER_VM_KEEP=1 keeps it.
/// </summary>
public sealed class VmFixture : IAsyncLifetime
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("CODERUNNER_VM_TESTS") == "1";

    public string Name { get; } = $"platform-{Environment.ProcessId}";

    /// <summary>Why the VM did not boot, or null.</summary>
    public string? BootFailure { get; private set; }

    /// <summary>Why `scripts/vm install NAME all` failed (the service never became ready), or null.</summary>
    public string? InstallFailure { get; private set; }

    public async Task InitializeAsync()
    {
        if (!Enabled) return;
        var boot = await VmAsync(["boot", "--name", Name], 900);
        if (boot.ExitCode != 0) { BootFailure = "scripts/vm boot failed: " + DeployPaths.Describe(boot); return; }
        var install = await VmAsync(["install", Name, "all"], 900);
        if (install.ExitCode != 0) InstallFailure = "scripts/vm install failed: " + DeployPaths.Describe(install);
    }

    public async Task DisposeAsync()
    {
        if (!Enabled || Environment.GetEnvironmentVariable("CODERUNNER_VM_KEEP") == "1") return;
        await VmAsync(["stop", Name], 120);
    }

    /// <summary>Runs a shell command inside the VM as root.</summary>
    public Task<BufferedCommandResult> ShellAsync(string command, int timeoutSeconds = 300) =>
        VmAsync(["ssh", Name, "--", command], timeoutSeconds);

    private static async Task<BufferedCommandResult> VmAsync(string[] args, int timeoutSeconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        return await Cli.Wrap(DeployPaths.Script("vm"))
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
    }
}

[CollectionDefinition(Name)]
public sealed class VmCollection : ICollectionFixture<VmFixture>
{
    public const string Name = "platform VM";
}
