using CliWrap;
using CliWrap.Buffered;

namespace CodeRunner.Tests.Deploy;

/// <summary>The repository's deploy files and a way to run them.</summary>
internal static class DeployPaths
{
    public static readonly string Root = FindRoot();

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    public static string Systemd => Path.Combine(Root, "systemd");

    /// <summary>The test hosts' stand-in for systemctl restart (systemd is not PID 1 here).</summary>
    public static string RestartWithoutSystemd => Path.Combine(Root, "CodeRunner.Tests", "Deploy", "restart-without-systemd");

    public static async Task<BufferedCommandResult> RunAsync(string program, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null, int timeoutSeconds = 120)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        return await Cli.Wrap(program)
            .WithArguments(args)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
    }

    public static string Describe(BufferedCommandResult result) =>
        $"exit {result.ExitCode}\n--- stdout\n{result.StandardOutput}\n--- stderr\n{result.StandardError}";

    /// <summary>Permission bits of the entry itself (a symlink is not followed).</summary>
    public static string Mode(string path) => Stat(path)[0];

    /// <summary>
    /// The repository's unit and worker drop-in were installed under <paramref name="prefix"/>, and
    /// <paramref name="role"/>'s instance is enabled the way `systemctl enable` does it (wanted by multi-user.target).
    /// </summary>
    public static void AssertUnitsInstalledAndEnabled(string prefix, string role)
    {
        var units = Path.Combine(prefix, "etc", "systemd", "system");
        Assert.Equal(File.ReadAllText(Path.Combine(Systemd, "coderunner@.service")), File.ReadAllText(Path.Combine(units, "coderunner@.service")));
        Assert.Equal(File.ReadAllText(Path.Combine(Systemd, "coderunner@judge-worker.service.d", "override.conf")),
            File.ReadAllText(Path.Combine(units, "coderunner@judge-worker.service.d", "override.conf")));
        Assert.Equal("/etc/systemd/system/coderunner@.service",
            new FileInfo(Path.Combine(units, "multi-user.target.wants", $"coderunner@{role}.service")).LinkTarget);
    }

    /// <summary>Numeric owner and group (stat, so users that exist only in a prefix's passwd are fine).</summary>
    public static (int Uid, int Gid) Owner(string path)
    {
        var s = Stat(path);
        return (int.Parse(s[1]), int.Parse(s[2]));
    }

    private static string[] Stat(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%a %u %g", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var parts = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        return parts;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CodeRunner.csproj")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
