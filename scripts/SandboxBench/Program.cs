using System.Diagnostics;
using System.Globalization;
using CodeRunner.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Usage: SandboxBench [--runs N]. Needs root (like the worker). Prints p50/p99 per mode.
var runs = args.Length == 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var root = Path.Combine("/tmp", $"coderunner-bench-{Environment.ProcessId}");
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Sandbox:BoxRoot"] = Path.Combine(root, "boxes"),
    ["Sandbox:CgroupName"] = $"coderunner-bench-{Environment.ProcessId}",
    ["Sandbox:Slots"] = "1",
}).Build();
await using var services = new ServiceCollection().AddSandbox(configuration).BuildServiceProvider();
var sandbox = services.GetRequiredService<ISandbox>();
var limits = new SandboxLimits(5, 1, 10, 256 * 1024, 64 * 1024, 64, 1024);

string[][] programs = [["/bin/true"], ["/usr/bin/python3", "-c", "pass"]];
Console.WriteLine($"runs per mode: {runs} (after {Math.Min(20, runs)} warm-up runs), back to back, one slot");
Console.WriteLine($"{"program",-24} {"mode",-34} {"p50 ms",8} {"p99 ms",8} {"+p50 ms",8}");
foreach (var argv in programs)
{
    var name = string.Join(' ', argv);
    var bare = Measure(runs, () =>
    {
        using var p = Process.Start(new ProcessStartInfo(argv[0], argv[1..]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        p.WaitForExit();
        return Task.CompletedTask;
    });
    Report(name, "bare (Process.Start + wait)", bare, bare);

    await using (var box = await sandbox.CreateBoxAsync(0, CancellationToken.None))
    {
        var inBox = Measure(runs, async () => Check(await box.RunAsync(new SandboxRun(argv, null, limits), CancellationToken.None)));
        Report(name, "sandbox run (box reused)", inBox, bare);
    }

    var cycle = Measure(runs, async () =>
    {
        await using var box = await sandbox.CreateBoxAsync(0, CancellationToken.None);
        box.WriteFile("main.py", "pass\n"u8);
        Check(await box.RunAsync(new SandboxRun(argv, null, limits), CancellationToken.None));
    });
    Report(name, "sandbox box create+write+run+wipe", cycle, bare);
}
(sandbox as IDisposable)?.Dispose();
Directory.Delete(root, recursive: true);
return 0;

static double[] Measure(int runs, Func<Task> run)
{
    for (var i = 0; i < Math.Min(20, runs); i++)
    {
        run().GetAwaiter().GetResult();
    }
    var times = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        run().GetAwaiter().GetResult();
        times[i] = clock.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return times;
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static void Report(string name, string mode, double[] times, double[] bare) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-24} {mode,-34} {Percentile(times, 0.5),8:F2} {Percentile(times, 0.99),8:F2} {Percentile(times, 0.5) - Percentile(bare, 0.5),8:F2}"));

static void Check(SandboxOutcome outcome)
{
    if (outcome is not { Termination: SandboxTermination.Exited, ExitCode: 0 })
    {
        throw new InvalidOperationException($"sandboxed run failed: {outcome.Termination} {outcome.Message} {System.Text.Encoding.UTF8.GetString(outcome.Stderr)}");
    }
}
