using System.Text;
using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>
/// A real sandbox of its own per test class (own cgroup name, box root and uids), so classes run
/// in parallel without seeing each other. Needs root, bubblewrap and cgroups, like production.
/// </summary>
public sealed class SandboxFixture : IDisposable
{
    private static int instances;

    public SandboxFixture()
        : this(launcher: true)
    {
    }

    /// <param name="launcher">false: every run goes sh → setpriv → bwrap (Sandbox:Launcher=false).</param>
    internal SandboxFixture(bool launcher)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var n = Interlocked.Increment(ref instances);
        Root = Path.Combine("/tmp", $"coderunner-sandbox-test-{id}");
        Directory.CreateDirectory(Root);
        Options = new SandboxOptions
        {
            BoxRoot = Path.Combine(Root, "boxes"),
            CgroupName = $"coderunner-test-{id}",
            UidBase = 61000 + (Environment.ProcessId % 500) * 40 + n * 2,
            Slots = 1,
            BoxSizeMb = 64,
            TmpSizeMb = 64,
            Launcher = launcher,
        };
        Sandbox = OperatingSystem.IsLinux() ? BwrapSandbox.Create(Options) : throw new PlatformNotSupportedException();
    }

    internal SandboxOptions Options { get; }

    internal ISandbox Sandbox { get; }

    /// <summary>A host folder outside every box, for canary files.</summary>
    public string Root { get; }

    public int Uid => Options.UidBase;

    /// <summary>
    /// How much slower this machine is than the one these limits were set for: the platform VM
    /// under software emulation sets CODERUNNER_TEST_TIME_SCALE (default 1). Every time limit and
    /// every bound on a measured time in these tests is multiplied by it, so the same tests prove
    /// the same behaviour there.
    /// </summary>
    public static readonly double TimeScale =
        double.TryParse(Environment.GetEnvironmentVariable("CODERUNNER_TEST_TIME_SCALE"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var scale) && scale >= 1 ? scale : 1;

    /// <summary>A duration of these tests on this machine: <paramref name="seconds"/> × <see cref="TimeScale"/>.</summary>
    public static double Seconds(double seconds) => seconds * TimeScale;

    public static SandboxLimits Limits(double cpu = 2, double wall = 6, long memoryMb = 256, int processes = 64, long fileKb = 1024) =>
        new(Seconds(cpu), Seconds(0.5), Seconds(wall), memoryMb * 1024, 64 * 1024, processes, fileKb);

    /// <summary>Writes the files into a fresh box, runs each command in turn, returns every outcome.</summary>
    public async Task<SandboxOutcome[]> RunAsync((string Name, string Content)[] files, params SandboxRun[] runs)
    {
        await using var box = await Sandbox.CreateBoxAsync(0, CancellationToken.None);
        foreach (var (name, content) in files)
        {
            box.WriteFile(name, Encoding.UTF8.GetBytes(content));
        }
        var outcomes = new List<SandboxOutcome>();
        foreach (var run in runs)
        {
            outcomes.Add(await box.RunAsync(run, CancellationToken.None));
        }
        return [.. outcomes];
    }

    public async Task<SandboxOutcome> RunAsync(string[] argv, string? stdin = null, SandboxLimits? limits = null, (string Name, string Content)[]? files = null)
    {
        var outcomes = await RunAsync(files ?? [], new SandboxRun(argv, stdin is null ? null : Encoding.UTF8.GetBytes(stdin), limits ?? Limits()));
        return outcomes[0];
    }

    /// <summary>Compiles main.c with gcc inside the sandbox, then runs ./a.out.</summary>
    public async Task<SandboxOutcome> RunCAsync(string source, SandboxLimits? limits = null, string? stdin = null)
    {
        var outcomes = await RunAsync(
            [("main.c", source)],
            new SandboxRun(["/usr/bin/gcc", "-O0", "main.c", "-o", "a.out"], null, Limits(cpu: 10, wall: 20)),
            new SandboxRun(["./a.out"], stdin is null ? null : Encoding.UTF8.GetBytes(stdin), limits ?? Limits()));
        Assert.True(outcomes[0] is { Termination: SandboxTermination.Exited, ExitCode: 0 }, "gcc failed: " + Describe(outcomes[0]));
        return outcomes[1];
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static string Describe(SandboxOutcome o) =>
        $"{o.Termination} exit={o.ExitCode} signal={o.Signal} time={o.Time:F3} wall={o.WallTime:F3} mem={o.MemoryKb}KB msg={o.Message} stdout={Text(o.Stdout)} stderr={Text(o.Stderr)}";

    public void Dispose()
    {
        ((IDisposable)Sandbox).Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
