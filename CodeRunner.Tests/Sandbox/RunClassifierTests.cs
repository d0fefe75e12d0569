using CodeRunner.Sandbox;
using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Cgroups;

namespace CodeRunner.Tests.Sandbox;

/// <summary>
/// Outcomes the real sandbox cannot produce on demand here (glibc's execvp falls back to /bin/sh
/// for ENOEXEC, so an exec format error only appears with other libcs or binfmt setups), and the
/// rule that the program's output never decides: its stderr counts only if it never ran.
/// </summary>
public sealed class RunClassifierTests
{
    private static readonly SandboxLimits Limits = new(1, 0.5, 5, 65536, 8192, 10, 1024);
    private static readonly CgroupUsage Idle = new(0.01, 1 << 20, 0);

    private static ReaperReport Waited(int waitStatus) => new(true, waitStatus, null, null);

    private static RunClassifier.Observed Observed(ReaperReport reaper, string diagnostics = "", CgroupUsage? usage = null, bool launched = true,
        SandboxTermination? killedFor = null, int? exit = 0) =>
        new(launched, exit, null, reaper, killedFor, usage ?? Idle, "./a.out", diagnostics);

    [Fact]
    public void Given_the_reaper_reporting_ENOEXEC_Then_it_is_ExecFormatError()
    {
        var result = RunClassifier.Classify(Observed(new ReaperReport(true, null, 8, null)), Limits);

        Assert.Equal(SandboxTermination.ExecFormatError, result.Termination);
    }

    [Fact]
    public void Given_the_reaper_reporting_ENOENT_Then_it_is_exit_127_naming_the_program_and_the_reason()
    {
        var result = RunClassifier.Classify(Observed(new ReaperReport(true, null, 2, null)), Limits);

        Assert.Equal((SandboxTermination.Exited, (int?)127), (result.Termination, result.ExitCode));
        Assert.Equal("cannot execute ./a.out: No such file or directory", result.Message);
    }

    [Fact]
    public void Given_bwrap_failing_its_own_setup_before_the_reaper_was_ready_Then_it_is_InternalError_with_bwraps_message()
    {
        var result = RunClassifier.Classify(Observed(ReaperReport.None, "bwrap: Can't bind mount /oldroot/nope on /newroot/nope: No such file\n", exit: 1), Limits);

        Assert.Equal(SandboxTermination.InternalError, result.Termination);
        Assert.Equal("sandbox setup failed: bwrap: Can't bind mount /oldroot/nope on /newroot/nope: No such file", result.Message);
    }

    [Fact]
    public void Given_stderr_imitating_bwrap_once_the_program_ran_Then_it_is_the_programs_exit_with_no_message()
    {
        var result = RunClassifier.Classify(Observed(Waited(1 << 8), "bwrap: execvp ./a.out: No such file or directory\n", exit: 0), Limits);

        Assert.Equal((SandboxTermination.Exited, (int?)1, (string?)null), (result.Termination, result.ExitCode, result.Message));
    }

    [Fact]
    public void Given_the_launcher_never_reported_ok_Then_it_is_InternalError()
    {
        var result = RunClassifier.Classify(Observed(ReaperReport.None, "coderunner-launch: cannot join cgroup /x\n", launched: false, exit: 125), Limits);

        Assert.Equal(SandboxTermination.InternalError, result.Termination);
        Assert.Contains("cannot join cgroup", result.Message);
    }

    [Fact]
    public void Given_the_reaper_ready_but_gone_without_a_report_Then_it_is_InternalError_with_a_message_of_ours()
    {
        var result = RunClassifier.Classify(Observed(new ReaperReport(true, null, null, null), "bwrap: anything the program printed\n"), Limits);

        Assert.Equal(SandboxTermination.InternalError, result.Termination);
        Assert.DoesNotContain("printed", result.Message);
    }

    [Fact]
    public void Given_an_oom_kill_during_the_run_Then_MemoryLimit_wins_over_the_exit_status()
    {
        var result = RunClassifier.Classify(Observed(Waited(9), usage: Idle with { OomKills = 1 }), Limits);

        Assert.Equal((SandboxTermination.MemoryLimit, "Memory limit exceeded"), (result.Termination, result.Message));
    }

    [Fact]
    public void Given_an_output_kill_Then_OutputLimit_wins_over_everything_else()
    {
        var result = RunClassifier.Classify(Observed(Waited(9), usage: new CgroupUsage(9, 1, 1), killedFor: SandboxTermination.OutputLimit), Limits);

        Assert.Equal(SandboxTermination.OutputLimit, result.Termination);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(8)]
    [InlineData(6)]
    [InlineData(25)]
    [InlineData(11 | 0x80)]
    public void Given_a_wait_status_of_death_by_signal_Then_it_is_that_signal(int waitStatus)
    {
        var result = RunClassifier.Classify(Observed(Waited(waitStatus)), Limits);

        Assert.Equal((SandboxTermination.Signaled, (int?)(waitStatus & 0x7f), (int?)null), (result.Termination, result.Signal, result.ExitCode));
    }

    [Theory]
    [InlineData(139)]
    [InlineData(137)]
    [InlineData(152)]
    public void Given_a_wait_status_of_exit_128_plus_N_Then_it_is_that_exit_code_in_either_time_mode(int code)
    {
        var whole = RunClassifier.Classify(Observed(Waited(code << 8)), Limits);
        var perProcess = RunClassifier.Classify(Observed(Waited(code << 8)), Limits with { PerProcessTimeLimit = true });

        Assert.Equal((SandboxTermination.Exited, (int?)code, (int?)null), (whole.Termination, whole.ExitCode, whole.Signal));
        Assert.Equal((SandboxTermination.Exited, (int?)code, (int?)null), (perProcess.Termination, perProcess.ExitCode, perProcess.Signal));
    }

    [Fact]
    public void Given_a_per_process_time_limit_and_a_real_SIGKILL_from_rlimit_cpu_Then_it_is_CpuTimeLimit()
    {
        var result = RunClassifier.Classify(Observed(Waited(9)), Limits with { PerProcessTimeLimit = true });

        Assert.Equal(SandboxTermination.CpuTimeLimit, result.Termination);
    }

    [Fact]
    public void Given_the_status_channel_with_the_launchers_bwraps_and_the_reapers_lines_Then_only_the_reapers_are_read()
    {
        var report = ReaperReport.Parse("ok\n{ \"child-pid\": 4242, \"cgroup-namespace\": 4026532 }\nr\nw 35584\n{ \"exit-code\": 0 }\n");

        Assert.Equal(new ReaperReport(true, 35584, null, null), report);
    }
}
