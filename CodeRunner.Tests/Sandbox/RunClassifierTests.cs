using CodeRunner.Sandbox;
using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Cgroups;

namespace CodeRunner.Tests.Sandbox;

/// <summary>
/// Outcomes the real sandbox cannot produce on demand here: glibc's execvp falls back to /bin/sh
/// for ENOEXEC, so bwrap's "Exec format error" only appears with other libcs or binfmt setups.
/// </summary>
public sealed class RunClassifierTests
{
    private static readonly SandboxLimits Limits = new(1, 0.5, 5, 65536, 8192, 10, 1024);
    private static readonly CgroupUsage Idle = new(0.01, 1 << 20, 0);

    private static RunClassifier.Observed Observed(int? exit, string diagnostics = "", CgroupUsage? usage = null, bool launched = true, SandboxTermination? killedFor = null) =>
        new(launched, exit, null, killedFor, usage ?? Idle, diagnostics);

    [Fact]
    public void Given_bwrap_reporting_exec_format_error_Then_it_is_ExecFormatError()
    {
        var result = RunClassifier.Classify(Observed(1, "bwrap: execvp ./a.out: Exec format error\n"), Limits);

        Assert.Equal(SandboxTermination.ExecFormatError, result.Termination);
    }

    [Fact]
    public void Given_bwrap_failing_its_own_setup_Then_it_is_InternalError_with_bwraps_message()
    {
        var result = RunClassifier.Classify(Observed(1, "bwrap: Can't bind mount /oldroot/nope on /newroot/nope: No such file\n"), Limits);

        Assert.Equal(SandboxTermination.InternalError, result.Termination);
        Assert.StartsWith("bwrap: Can't bind mount", result.Message);
    }

    [Fact]
    public void Given_the_launcher_never_reported_ok_Then_it_is_InternalError()
    {
        var result = RunClassifier.Classify(Observed(125, "coderunner-launch: cannot join cgroup /x\n", launched: false), Limits);

        Assert.Equal(SandboxTermination.InternalError, result.Termination);
        Assert.Contains("cannot join cgroup", result.Message);
    }

    [Fact]
    public void Given_an_oom_kill_during_the_run_Then_MemoryLimit_wins_over_the_exit_status()
    {
        var result = RunClassifier.Classify(Observed(137, usage: Idle with { OomKills = 1 }), Limits);

        Assert.Equal((SandboxTermination.MemoryLimit, "Memory limit exceeded"), (result.Termination, result.Message));
    }

    [Fact]
    public void Given_an_output_kill_Then_OutputLimit_wins_over_everything_else()
    {
        var result = RunClassifier.Classify(Observed(137, usage: new CgroupUsage(9, 1, 1), killedFor: SandboxTermination.OutputLimit), Limits);

        Assert.Equal(SandboxTermination.OutputLimit, result.Termination);
    }

    [Theory]
    [InlineData(139, 11)]
    [InlineData(136, 8)]
    [InlineData(134, 6)]
    [InlineData(153, 25)]
    public void Given_exit_code_128_plus_N_from_bwrap_Then_it_is_signal_N(int exit, int signal)
    {
        var result = RunClassifier.Classify(Observed(exit), Limits);

        Assert.Equal((SandboxTermination.Signaled, (int?)signal, (int?)null), (result.Termination, result.Signal, result.ExitCode));
    }

    [Fact]
    public void Given_a_per_process_time_limit_and_SIGKILL_from_rlimit_cpu_Then_it_is_CpuTimeLimit()
    {
        var result = RunClassifier.Classify(Observed(137), Limits with { PerProcessTimeLimit = true });

        Assert.Equal(SandboxTermination.CpuTimeLimit, result.Termination);
    }
}
