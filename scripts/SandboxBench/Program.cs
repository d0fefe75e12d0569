using System.Diagnostics;
using System.Globalization;
using CodeRunner.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Usage: SandboxBench [--runs N] [--no-launcher | --paired | --paired-seccomp]. Needs root (like the worker). Prints p50/p99
// per mode, and CPU per run: of this process, of its reaped children (the whole launch chain and
// the program) and of the whole machine (/proc/stat, so anything else running counts too).
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(200);
var launcher = !args.Contains("--no-launcher");
var root = Path.Combine("/tmp", $"coderunner-bench-{Environment.ProcessId}");
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Sandbox:BoxRoot"] = Path.Combine(root, "boxes"),
    ["Sandbox:CgroupName"] = $"coderunner-bench-{Environment.ProcessId}",
    ["Sandbox:Slots"] = "1",
    ["Sandbox:Launcher"] = launcher ? "true" : "false",
}).Build();
await using var services = new ServiceCollection().AddSandbox(configuration).BuildServiceProvider();
var sandbox = services.GetRequiredService<ISandbox>();
var limits = new SandboxLimits(5, 1, 10, 256 * 1024, 64 * 1024, 64, 1024);

string[][] programs = [["/bin/true"], ["/usr/bin/python3", "-c", "pass"]];
var pairedSeccomp = args.Contains("--paired-seccomp");
if (args.Contains("--paired") || pairedSeccomp)
{
    // bare, launcher and no-launcher runs interleaved one by one, so all three see the same load;
    // --paired-seccomp: the second sandbox has the launcher but no seccomp filter instead.
    var offConfiguration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Sandbox:BoxRoot"] = Path.Combine(root, "boxes-off"),
        ["Sandbox:CgroupName"] = $"coderunner-bench-off-{Environment.ProcessId}",
        ["Sandbox:Slots"] = "1",
        ["Sandbox:UidBase"] = "60100",
        ["Sandbox:Launcher"] = pairedSeccomp ? "true" : "false",
        ["Sandbox:Seccomp"] = pairedSeccomp ? "false" : "true",
    }).Build();
    await using var offServices = new ServiceCollection().AddSandbox(offConfiguration).BuildServiceProvider();
    var off = offServices.GetRequiredService<ISandbox>();
    var (onName, offName) = pairedSeccomp ? ("seccomp", "no seccomp") : ("launcher", "no launcher");
    Console.WriteLine($"paired: {runs} rounds of (bare, {onName}, {offName}) after 20 warm-up rounds, one slot each, box reused");
    Console.WriteLine($"{"program",-24} {"bare p50",9} {onName + " p50",13} {"p99",8} {offName + " p50",16} {"p99",8}");
    foreach (var argv in programs)
    {
        await using var onBox = await sandbox.CreateBoxAsync(0, CancellationToken.None);
        await using var offBox = await off.CreateBoxAsync(0, CancellationToken.None);
        var times = new double[3][];
        for (var k = 0; k < 3; k++)
        {
            times[k] = new double[runs];
        }
        for (var i = -20; i < runs; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                var clock = Stopwatch.StartNew();
                if (k == 0)
                {
                    using var p = Process.Start(new ProcessStartInfo(argv[0], argv[1..]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                    p.WaitForExit();
                }
                else
                {
                    Check(await (k == 1 ? onBox : offBox).RunAsync(new SandboxRun(argv, null, limits), CancellationToken.None));
                }
                if (i >= 0)
                {
                    times[k][i] = clock.Elapsed.TotalMilliseconds;
                }
            }
        }
        foreach (var t in times)
        {
            Array.Sort(t);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{string.Join(' ', argv),-24} {Percentile(times[0], 0.5),9:F2} {Percentile(times[1], 0.5),13:F2} {Percentile(times[1], 0.99),8:F2} {Percentile(times[2], 0.5),16:F2} {Percentile(times[2], 0.99),8:F2}"));
    }
    (off as IDisposable)?.Dispose();
    (sandbox as IDisposable)?.Dispose();
    Directory.Delete(root, recursive: true);
    return 0;
}
Console.WriteLine($"runs per mode: {runs} (after {Math.Min(20, runs)} warm-up runs), back to back, one slot, launcher {(launcher ? "on" : "off")}");
Console.WriteLine($"{"program",-24} {"mode",-34} {"p50 ms",8} {"p99 ms",8} {"+p50 ms",8} {"CPU ms: self",13} {"children",9} {"machine",8}");
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

static (double[] Times, double Self, double Children, double Machine) Measure(int runs, Func<Task> run)
{
    for (var i = 0; i < Math.Min(20, runs); i++)
    {
        run().GetAwaiter().GetResult();
    }
    var (self0, children0) = OwnCpu();
    var machine0 = MachineBusy();
    var times = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        run().GetAwaiter().GetResult();
        times[i] = clock.Elapsed.TotalMilliseconds;
    }
    var (self1, children1) = OwnCpu();
    var machine1 = MachineBusy();
    Array.Sort(times);
    return (times, (self1 - self0) / runs, (children1 - children0) / runs, (machine1 - machine0) / runs);
}

// utime+stime and cutime+cstime of this process in ms (clock ticks of 10 ms: meaningful over many runs).
static (double Self, double Children) OwnCpu()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    double Ticks(int i) => double.Parse(f[i], CultureInfo.InvariantCulture) * 10;
    return (Ticks(11) + Ticks(12), Ticks(13) + Ticks(14));
}

static double MachineBusy()
{
    var v = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
    return (v.Sum() - v[3] - v[4]) * 10;
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static void Report(string name, string mode, (double[] Times, double Self, double Children, double Machine) m, (double[] Times, double Self, double Children, double Machine) bare) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-24} {mode,-34} {Percentile(m.Times, 0.5),8:F2} {Percentile(m.Times, 0.99),8:F2} {Percentile(m.Times, 0.5) - Percentile(bare.Times, 0.5),8:F2} {m.Self,13:F2} {m.Children,9:F2} {m.Machine,8:F2}"));

static void Check(SandboxOutcome outcome)
{
    if (outcome is not { Termination: SandboxTermination.Exited, ExitCode: 0 })
    {
        throw new InvalidOperationException($"sandboxed run failed: {outcome.Termination} {outcome.Message} {System.Text.Encoding.UTF8.GetString(outcome.Stderr)}");
    }
}
