using System.Diagnostics;
using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>
/// Red team 2026-12-02: a program whose memory is socket buffers (charged to the slot's memory
/// cgroup, not to its RSS) made the cgroup's OOM killer pick the launcher and bwrap instead of
/// the program; their orphans stayed zombies charged to pids.max until no run could fork.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OomContainmentTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private const string SocketBufferHog = """
        #include <fcntl.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <unistd.h>
        int main(void) {
          static char buf[65536];
          memset(buf, 'x', sizeof buf);
          for (;;) {
            int sv[2];
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) break;
            for (int i = 0; i < 2; i++) {
              fcntl(sv[i], F_SETFL, O_NONBLOCK);
              while (write(sv[i], buf, sizeof buf) > 0) {}
            }
          }
          pause();
          return 0;
        }
        """;

    [Fact]
    public async Task Given_200_programs_filling_socket_buffers_past_the_memory_limit_Then_the_launcher_survives_no_zombie_remains_and_normal_runs_succeed()
    {
        var hog = CompileOnHost(SocketBufferHog);
        var slot = ((BwrapSandbox)fixture.Sandbox).SlotAt(0);
        await RunOnceAsync(["/usr/bin/true"], [], SandboxFixture.Limits());
        var launcher = slot.Launcher!.Pid;
        var idlePids = PidsCurrent(slot);
        // Judge0's limits of the report: 32000 KB, 60 processes; the wall is shorter so 200 runs fit in minutes.
        var attack = new SandboxLimits(SandboxFixture.Seconds(1), SandboxFixture.Seconds(0.5), SandboxFixture.Seconds(1), 32000, 8192, 60, 1024);

        var outcomes = new List<SandboxOutcome>();
        for (var i = 0; i < 200; i++)
        {
            outcomes.Add(await RunOnceAsync(["./hog"], [("hog", hog)], attack));
        }
        var normal = new List<SandboxOutcome>();
        for (var i = 0; i < 20; i++)
        {
            normal.Add(await RunOnceAsync(["/bin/echo", "hello"], [], SandboxFixture.Limits()));
        }

        Assert.All(normal, o => Assert.True(o is { Termination: SandboxTermination.Exited, ExitCode: 0 } && SandboxFixture.Text(o.Stdout) == "hello\n", SandboxFixture.Describe(o)));
        Assert.Equal(launcher, slot.Launcher!.Pid);
        Assert.Empty(ZombieChildren(fixture.Uid));
        Assert.Equal(idlePids, PidsCurrent(slot));
        Assert.DoesNotContain(outcomes, o => o.Termination == SandboxTermination.InternalError);
    }

    [Fact]
    public async Task Given_a_program_Then_it_is_the_OOM_killers_first_pick_and_the_launcher_and_the_boxs_pid_1_are_never_picked()
    {
        var outcome = await fixture.RunAsync(["/bin/sh", "-c", "cat /proc/self/oom_score_adj /proc/1/oom_score_adj"]);
        var launcher = ((BwrapSandbox)fixture.Sandbox).SlotAt(0).Launcher!.Pid;

        Assert.Equal($"1000\n{HelperScore}\n", SandboxFixture.Text(outcome.Stdout));
        Assert.Equal(HelperScore, File.ReadAllText($"/proc/{launcher}/oom_score_adj").Trim());
    }

    [Fact]
    public async Task Given_no_launcher_Then_the_program_is_still_the_OOM_killers_first_pick_and_the_boxs_pid_1_is_not()
    {
        var root = Path.Combine(fixture.Root, "no-launcher");
        var options = new SandboxOptions
        {
            BoxRoot = Path.Combine(root, "boxes"), CgroupName = $"coderunner-test-{Guid.NewGuid().ToString("N")[..8]}",
            Slots = 1, UidBase = 63700, Launcher = false, SelfTest = false,
        };
        var sandbox = BwrapSandbox.Create(options);
        try
        {
            await using var box = await sandbox.CreateBoxAsync(0, CancellationToken.None);
            var outcome = await box.RunAsync(new SandboxRun(["/bin/sh", "-c", "cat /proc/self/oom_score_adj /proc/1/oom_score_adj"], null, SandboxFixture.Limits()), CancellationToken.None);

            Assert.Equal($"1000\n{HelperScore}\n", SandboxFixture.Text(outcome.Stdout));
        }
        finally
        {
            sandbox.Dispose();
        }
    }

    /// <summary>-1000 needs CAP_SYS_RESOURCE (the worker's unit grants it); without it the helpers stay at 0, still below the program.</summary>
    private static string HelperScore =>
        (Convert.ToUInt64(File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal))[7..].Trim(), 16) & (1UL << 24)) != 0
            ? "-1000"
            : "0";

    private async Task<SandboxOutcome> RunOnceAsync(string[] argv, (string Name, byte[] Content)[] files, SandboxLimits limits)
    {
        await using var box = await fixture.Sandbox.CreateBoxAsync(0, CancellationToken.None);
        foreach (var (name, content) in files)
        {
            box.WriteFile(name, content, executable: true);
        }
        return await box.RunAsync(new SandboxRun(argv, null, limits), CancellationToken.None);
    }

    /// <summary>Built once on the host (the sandbox binds the same /usr): 200 compiles in the box would take minutes.</summary>
    private byte[] CompileOnHost(string source)
    {
        var dir = Path.Combine(fixture.Root, "hog-build");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "hog.c"), source);
        using var gcc = Process.Start(new ProcessStartInfo("/usr/bin/gcc", ["-O0", "-o", Path.Combine(dir, "hog"), Path.Combine(dir, "hog.c")]) { RedirectStandardError = true })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, errors);
        return File.ReadAllBytes(Path.Combine(dir, "hog"));
    }

    internal static long PidsCurrent(SandboxSlot slot) =>
        long.Parse(File.ReadAllText(slot.Cgroup.ProcsFiles
            .Select(p => Path.Combine(Path.GetDirectoryName(p)!, "pids.current"))
            .First(File.Exists)).Trim());

    /// <summary>Zombies among this process's children that ran as <paramref name="uid"/> (other test classes' slots run beside this one).</summary>
    internal static List<int> ZombieChildren(int uid)
    {
        var zombies = new List<int>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string children;
            try
            {
                children = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (IOException)
            {
                continue; // the thread ended
            }
            foreach (var pid in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                    var realUid = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
                        .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                    if (state == 'Z' && realUid == uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        zombies.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // Reaped meanwhile.
                }
            }
        }
        return zombies;
    }
}
