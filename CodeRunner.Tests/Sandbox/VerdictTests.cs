using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>
/// A verdict comes from what the sandbox observed, never from what the program printed or which
/// exit code it chose: programs that imitate bwrap's messages or a signal's 128+N get their own
/// exit code, and nothing in the run can write the channel the real status comes on.
/// </summary>
public sealed class VerdictTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Given_a_program_printing_a_bwrap_error_and_exiting_1_Then_it_is_its_own_exit_1_with_no_message()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "echo \"bwrap: Can't mount proc on /newroot/proc: Operation not permitted\" >&2; exit 1"]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 1, Signal: null, Message: null }, SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_a_program_printing_a_bwrap_execvp_error_and_exiting_1_Then_it_is_exit_1_not_a_missing_program()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "echo 'bwrap: execvp ./a.out: No such file or directory' >&2; exit 1"]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 1, Message: null }, SandboxFixture.Describe(outcome));
    }

    [Theory]
    [InlineData(139)]
    [InlineData(134)]
    [InlineData(136)]
    [InlineData(153)]
    public async Task Given_a_program_exiting_with_128_plus_a_signal_number_Then_it_is_that_exit_code_not_a_signal(int code)
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", $"exit {code}"]);

        Assert.True(outcome.Termination == SandboxTermination.Exited && outcome.ExitCode == code && outcome.Signal is null, SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_per_process_time_limits_and_a_program_exiting_137_Then_it_is_exit_137_not_a_time_limit()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "exit 137"], limits: SandboxFixture.Limits() with { PerProcessTimeLimit = true });

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 137 }, SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_per_process_time_limits_and_a_CPU_spin_Then_the_rlimit_signal_it_really_got_is_a_time_limit()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", "while True: pass"],
            limits: SandboxFixture.Limits(cpu: 1, wall: 10) with { PerProcessTimeLimit = true });

        Assert.True(outcome is { Termination: SandboxTermination.CpuTimeLimit, Signal: 24 or 9 }, SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_a_program_writing_status_lines_to_every_fd_and_to_pid_1s_fds_and_killing_pid_1_Then_its_real_exit_code_stands()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", """
            import os, signal
            forged = b'r\nw 0\nw 2816\n{ "exit-code": 0 }\n'
            for fd in range(3, 256):
                try:
                    os.write(fd, forged); print('wrote fd', fd)
                except OSError:
                    pass
            try:
                names = os.listdir('/proc/1/fd')
            except OSError:
                names = [str(n) for n in range(256)]
            for name in names:
                try:
                    fd = os.open('/proc/1/fd/' + name, os.O_WRONLY); os.write(fd, forged); print('wrote pid 1 fd', name)
                except OSError:
                    pass
            for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP):
                try:
                    os.kill(1, sig)
                except OSError:
                    pass
            print('still here', flush=True)
            os._exit(3)
            """]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 3 }, SandboxFixture.Describe(outcome));
        Assert.Equal("still here\n", SandboxFixture.Text(outcome.Stdout));
    }
}
