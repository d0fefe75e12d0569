using CodeRunner.Judge.Worker.Execution;
using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Judge.Worker;

public sealed class VerdictTests
{
    private static SandboxOutcome Outcome(SandboxTermination t, int? exit = null, int? signal = null, string stdout = "") =>
        new(t, exit, signal, 0.01, 0.02, 1024, Encoding.UTF8.GetBytes(stdout), [], null);

    [Theory]
    [InlineData(11, 7)]
    [InlineData(25, 8)]
    [InlineData(8, 9)]
    [InlineData(6, 10)]
    [InlineData(9, 12)]
    [InlineData(15, 12)]
    public void Given_death_by_signal_Then_status_is_judge0s_runtime_error_for_that_signal(int signal, int status)
    {
        var verdict = Verdict.Of(Outcome(SandboxTermination.Signaled, signal: signal), null);

        Assert.Equal(status, verdict.Status.Id);
        Assert.Equal(signal, verdict.ExitSignal);
    }

    [Fact]
    public void Given_nonzero_exit_Then_status_is_nzec_with_the_exit_code()
    {
        var verdict = Verdict.Of(Outcome(SandboxTermination.Exited, exit: 3), null);

        Assert.Equal(11, verdict.Status.Id);
        Assert.Equal(3, verdict.ExitCode);
        Assert.Equal("Exited with error status 3", verdict.Message);
    }

    [Fact]
    public void Given_memory_cgroup_kill_Then_message_says_memory_limit_exceeded()
    {
        var verdict = Verdict.Of(Outcome(SandboxTermination.MemoryLimit), null);

        Assert.Equal(12, verdict.Status.Id);
        Assert.Equal("Memory limit exceeded", verdict.Message);
    }

    [Theory]
    [InlineData(SandboxTermination.CpuTimeLimit, 5)]
    [InlineData(SandboxTermination.WallTimeLimit, 5)]
    [InlineData(SandboxTermination.OutputLimit, 8)]
    [InlineData(SandboxTermination.ExecFormatError, 14)]
    [InlineData(SandboxTermination.InternalError, 13)]
    public void Given_sandbox_termination_Then_maps_to_judge0_status(SandboxTermination termination, int status) =>
        Assert.Equal(status, Verdict.Of(Outcome(termination), null).Status.Id);

    [Fact]
    public void Given_clean_exit_and_expected_output_Then_accepted_or_wrong_answer()
    {
        Assert.Equal(3, Verdict.Of(Outcome(SandboxTermination.Exited, exit: 0, stdout: "42\n"), "42"u8.ToArray()).Status.Id);
        Assert.Equal(4, Verdict.Of(Outcome(SandboxTermination.Exited, exit: 0, stdout: "41\n"), "42"u8.ToArray()).Status.Id);
        Assert.Equal(3, Verdict.Of(Outcome(SandboxTermination.Exited, exit: 0, stdout: "anything"), null).Status.Id);
    }
}
