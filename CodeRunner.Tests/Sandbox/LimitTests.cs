using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>The denial-of-service catalogue: every bomb ends in its limit and the slot is fine afterwards.</summary>
public sealed class LimitTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Given_a_C_malloc_and_memset_loop_Then_it_is_killed_with_MemoryLimit()
    {
        var outcome = await sandbox.RunCAsync("""
            #include <stdlib.h>
            #include <string.h>
            int main() { for (;;) { char* p = malloc(1 << 20); memset(p, 1, 1 << 20); } }
            """, SandboxFixture.Limits(memoryMb: 64));

        Assert.True(outcome.Termination == SandboxTermination.MemoryLimit, SandboxFixture.Describe(outcome));
        Assert.Equal("Memory limit exceeded", outcome.Message);
        Assert.InRange(outcome.MemoryKb, 50_000, 66_000);
    }

    [Fact]
    public async Task Given_per_process_memory_limits_and_children_that_together_pass_the_total_Then_the_run_stops_at_the_total()
    {
        // Eight children of 40 MB each, every one within its 64 MB address space: 320 MB in all.
        var outcome = await sandbox.RunCAsync("""
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            #include <sys/wait.h>
            int main() {
                for (int i = 0; i < 8; i++) {
                    if (fork() == 0) { char* p = malloc(40 << 20); if (!p) return 2; memset(p, 1, 40 << 20); sleep(1); return 0; }
                }
                int status, ok = 0;
                while (wait(&status) > 0) ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
                printf("%d\n", ok);
                return 0;
            }
            """, SandboxFixture.Limits(memoryMb: 64) with { PerProcessMemoryLimit = true, TotalMemoryKb = 128 * 1024 });

        Assert.True(outcome.Termination == SandboxTermination.MemoryLimit, SandboxFixture.Describe(outcome));
        Assert.InRange(outcome.MemoryKb, 64 * 1024, 128 * 1024);
    }

    [Fact]
    public async Task Given_a_Python_list_of_big_strings_Then_it_is_killed_with_MemoryLimit()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", "a = []\nwhile True: a.append('x' * 10**6)"], limits: SandboxFixture.Limits(memoryMb: 64));

        Assert.True(outcome.Termination == SandboxTermination.MemoryLimit, SandboxFixture.Describe(outcome));
        Assert.Equal("Memory limit exceeded", outcome.Message);
    }

    [Fact]
    public async Task Given_a_fork_bomb_Then_pids_contain_it_and_the_slot_runs_normally_afterwards()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/bash", "-c", "f() { f | f & }; f; sleep 2; echo survived"], limits: SandboxFixture.Limits(wall: 3, processes: 16));
        var after = await sandbox.RunAsync(["/bin/sh", "-c", "echo fine"]);

        Assert.True(outcome.WallTime < SandboxFixture.Seconds(6), SandboxFixture.Describe(outcome));
        var events = Path.Combine("/sys/fs/cgroup/pids", sandbox.Options.CgroupName, "slot0", "pids.events");
        if (File.Exists(events))
        {
            Assert.NotEqual("max 0", File.ReadAllText(events).Trim()); // the kernel refused forks
        }
        Assert.True(after is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(after));
        Assert.Equal("fine\n", SandboxFixture.Text(after.Stdout));
    }

    [Fact]
    public async Task Given_many_back_to_back_runs_with_few_pids_Then_no_leftover_process_uses_them_up()
    {
        // Every run's helpers (bwrap's monitor, the reaper) must be gone; unreaped zombies would exhaust pids.max here.
        var runs = Enumerable.Range(0, 25).Select(_ => new SandboxRun(["/usr/bin/true"], null, SandboxFixture.Limits(processes: 3))).ToArray();

        var outcomes = await sandbox.RunAsync([], runs);

        Assert.All(outcomes, o => Assert.True(o is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(o)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_an_output_flood_Then_it_is_killed_with_OutputLimit_and_output_is_capped(bool onStderr)
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", $"import sys\nwhile True: sys.{(onStderr ? "stderr" : "stdout")}.write('x' * 65536)"], limits: SandboxFixture.Limits(fileKb: 100));

        Assert.True(outcome.Termination == SandboxTermination.OutputLimit, SandboxFixture.Describe(outcome));
        Assert.Equal(100 * 1024, (onStderr ? outcome.Stderr : outcome.Stdout).Length);
        Assert.True(outcome.WallTime < SandboxFixture.Seconds(3), SandboxFixture.Describe(outcome));
    }

    [Theory]
    [InlineData("/box/big")]
    [InlineData("/tmp/big")]
    [InlineData("/dev/shm/big")]
    public async Task Given_a_disk_fill_Then_the_write_fails_at_the_size_cap(string path)
    {
        var hostFree = new DriveInfo("/").AvailableFreeSpace;

        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "dd if=/dev/zero of=\"$1\" bs=1M count=1000 2>&1; echo rc=$?", "sh", path],
            limits: SandboxFixture.Limits(memoryMb: 512, fileKb: 2 * 1024 * 1024));

        var stdout = SandboxFixture.Text(outcome.Stdout);
        Assert.Contains("No space left on device", stdout);
        Assert.Contains("rc=1", stdout);
        Assert.True(new DriveInfo("/").AvailableFreeSpace > hostFree - 200L * 1024 * 1024);
    }

    [Fact]
    public async Task Given_a_file_bigger_than_MaxFileSizeKb_Then_the_program_gets_SIGXFSZ()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/dd", "if=/dev/zero", "of=/box/big", "bs=1k", "count=200"], limits: SandboxFixture.Limits(fileKb: 100));

        Assert.True(outcome is { Termination: SandboxTermination.Signaled, Signal: 25 }, SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_a_sleep_past_the_wall_limit_Then_it_is_killed_with_WallTimeLimit_at_about_the_limit()
    {
        var outcome = await sandbox.RunAsync(["/bin/sleep", "30"], limits: SandboxFixture.Limits(wall: 1));

        Assert.True(outcome.Termination == SandboxTermination.WallTimeLimit, SandboxFixture.Describe(outcome));
        // At about the limit, not after the 30 s sleep (slack for a loaded machine).
        Assert.InRange(outcome.WallTime, SandboxFixture.Seconds(1), SandboxFixture.Seconds(3));
    }

    [Fact]
    public async Task Given_a_CPU_spin_Then_it_is_killed_with_CpuTimeLimit()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", "while True: pass"], limits: new SandboxLimits(SandboxFixture.Seconds(1), SandboxFixture.Seconds(0.5), SandboxFixture.Seconds(10), 256 * 1024, 65536, 16, 1024));

        Assert.True(outcome.Termination == SandboxTermination.CpuTimeLimit, SandboxFixture.Describe(outcome));
        Assert.InRange(outcome.Time, SandboxFixture.Seconds(1.5), SandboxFixture.Seconds(2.2));
        // Killed by the CPU limit, long before the wall limit (10 s); on a loaded machine 1.5 s of CPU takes longer than 1.5 s.
        Assert.True(outcome.WallTime < SandboxFixture.Seconds(8), SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_a_CPU_use_over_CpuTime_but_under_the_extra_Then_it_finishes_yet_reports_CpuTimeLimit()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", FormattableString.Invariant($"import time\nt = time.process_time()\nwhile time.process_time() - t < {SandboxFixture.Seconds(0.7)}: pass\nprint('done')")],
            limits: new SandboxLimits(SandboxFixture.Seconds(0.4), SandboxFixture.Seconds(1), SandboxFixture.Seconds(10), 256 * 1024, 65536, 16, 1024));

        Assert.True(outcome.Termination == SandboxTermination.CpuTimeLimit, SandboxFixture.Describe(outcome));
        Assert.Equal("done\n", SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_a_compile_including_dev_random_Then_a_limit_stops_it_within_the_wall_time()
    {
        var outcomes = await sandbox.RunAsync(
            [("main.c", "#include </dev/random>\nint main(){}")],
            new SandboxRun(["/usr/bin/gcc", "main.c", "-o", "a.out"], null, new SandboxLimits(SandboxFixture.Seconds(2), SandboxFixture.Seconds(0.5), SandboxFixture.Seconds(4), 256 * 1024, 65536, 32, 1024)));

        var outcome = outcomes[0];
        // cc1 keeps the endless input in memory, so the memory limit often wins the race with the clocks.
        Assert.True(outcome.Termination is SandboxTermination.CpuTimeLimit or SandboxTermination.WallTimeLimit or SandboxTermination.MemoryLimit or SandboxTermination.OutputLimit, SandboxFixture.Describe(outcome));
        Assert.True(outcome.WallTime < SandboxFixture.Seconds(6), SandboxFixture.Describe(outcome));
    }
}
