using System.Text;
using System.Text.Json;
using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>What a program sees and what the worker gets back: exit codes, signals, argv, env, stdio.</summary>
public sealed class ProgramContractTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const string Crasher = """
        #include <stdlib.h>
        #include <string.h>
        #include <signal.h>
        int main(int argc, char** argv) {
            volatile int ten = 10, zero = argc - 2;
            if (!strcmp(argv[1], "segv")) { volatile int* p = 0; return *p; }
            if (!strcmp(argv[1], "fpe")) { return ten / zero; }
            if (!strcmp(argv[1], "abrt")) { abort(); }
            return atoi(argv[1]);
        }
        """;

    [Fact]
    public async Task Given_a_program_exiting_with_3_Then_outcome_is_Exited_with_code_3()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "exit 3"]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 3, Signal: null }, SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_crashing_programs_Then_SIGSEGV_SIGFPE_and_SIGABRT_are_reported_as_signals()
    {
        var limits = SandboxFixture.Limits();
        var outcomes = await sandbox.RunAsync(
            [("main.c", Crasher)],
            new SandboxRun(["/usr/bin/gcc", "main.c", "-o", "crash"], null, SandboxFixture.Limits(cpu: 10, wall: 20)),
            new SandboxRun(["./crash", "segv"], null, limits),
            new SandboxRun(["./crash", "fpe"], null, limits),
            new SandboxRun(["./crash", "abrt"], null, limits),
            new SandboxRun(["./crash", "42"], null, limits));

        Assert.True(outcomes[0].ExitCode == 0, SandboxFixture.Describe(outcomes[0]));
        Assert.True(outcomes[1] is { Termination: SandboxTermination.Signaled, Signal: 11 }, SandboxFixture.Describe(outcomes[1]));
        Assert.True(outcomes[2] is { Termination: SandboxTermination.Signaled, Signal: 8 }, SandboxFixture.Describe(outcomes[2]));
        Assert.True(outcomes[3] is { Termination: SandboxTermination.Signaled, Signal: 6 }, SandboxFixture.Describe(outcomes[3]));
        Assert.True(outcomes[4] is { Termination: SandboxTermination.Exited, ExitCode: 42 }, SandboxFixture.Describe(outcomes[4]));
    }

    [Fact]
    public async Task Given_argv_with_a_newline_and_shell_syntax_Then_each_stays_one_literal_argument()
    {
        string[] args = ["a\nb", "$(touch /box/pwned)", "; echo injected", "'\"", " spaced out "];

        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", "import sys, json, os; print(json.dumps(sys.argv[1:])); print(os.path.exists('/box/pwned'))", .. args]);

        Assert.True(outcome.ExitCode == 0, SandboxFixture.Describe(outcome));
        var lines = SandboxFixture.Text(outcome.Stdout).Split('\n');
        Assert.Equal(args, JsonSerializer.Deserialize<string[]>(lines[0]));
        Assert.Equal("False", lines[1]);
    }

    [Fact]
    public async Task Given_an_environment_Then_the_program_sees_exactly_it()
    {
        var env = new Dictionary<string, string> { ["FOO"] = "bar baz", ["PATH"] = "/usr/bin" };

        var outcomes = await sandbox.RunAsync([], new SandboxRun(["/usr/bin/env"], null, SandboxFixture.Limits(), Environment: env));

        var lines = SandboxFixture.Text(outcomes[0].Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
        // PWD is bwrap's: it sets it with --chdir, after any --unsetenv could apply.
        Assert.Equal(["FOO=bar baz", "PATH=/usr/bin", "PWD=/box"], lines);
    }

    [Fact]
    public async Task Given_no_environment_Then_the_program_gets_only_the_default_PATH_HOME_and_LANG()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/env"]);

        var lines = SandboxFixture.Text(outcome.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
        Assert.Equal(["HOME=/tmp", "LANG=C.UTF-8", "PATH=/usr/bin:/bin", "PWD=/box"], lines);
    }

    [Fact]
    public async Task Given_any_program_Then_it_runs_as_the_slot_uid_without_capabilities()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "id -u; id -g; id -G; grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status; grep NoNewPrivs /proc/self/status"]);

        var lines = SandboxFixture.Text(outcome.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{sandbox.Uid}", lines[0]);
        Assert.Equal($"{sandbox.Uid}", lines[1]);
        Assert.Equal($"{sandbox.Uid}", lines[2]);
        Assert.NotEqual("0", lines[0]);
        Assert.All(lines[3..8], l => Assert.EndsWith("0000000000000000", l));
        Assert.Contains("CapEff:\t0000000000000000", lines);
        Assert.Equal("NoNewPrivs:\t1", lines[8]);
    }

    [Fact]
    public async Task Given_megabytes_of_stdin_Then_the_program_reads_it_all_without_deadlock()
    {
        var input = string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i:D9}\n")); // 2 MB, far past any pipe buffer

        var outcome = await sandbox.RunAsync(["/bin/cat"], input, SandboxFixture.Limits(fileKb: 4096));

        Assert.True(outcome.ExitCode == 0, SandboxFixture.Describe(outcome));
        Assert.Equal(input, SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_no_stdin_Then_the_program_reads_end_of_file()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "wc -c; readlink /proc/self/fd/0"]);

        Assert.Equal("0\n/dev/null\n", SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_stderr_redirected_to_stdout_Then_both_arrive_in_order_on_stdout()
    {
        var outcomes = await sandbox.RunAsync([], new SandboxRun(["/bin/sh", "-c", "echo one; echo two >&2; echo three"], null, SandboxFixture.Limits(), RedirectStderrToStdout: true));

        Assert.Equal("one\ntwo\nthree\n", SandboxFixture.Text(outcomes[0].Stdout));
        Assert.Empty(outcomes[0].Stderr);
    }

    [Fact]
    public async Task Given_separate_streams_Then_stdout_and_stderr_are_kept_apart()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "echo out; echo err >&2"]);

        Assert.Equal("out\n", SandboxFixture.Text(outcome.Stdout));
        Assert.Equal("err\n", SandboxFixture.Text(outcome.Stderr));
    }

    [Fact]
    public async Task Given_a_missing_program_Then_it_exits_127_with_the_reason()
    {
        var outcome = await sandbox.RunAsync(["./does-not-exist"]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 127 }, SandboxFixture.Describe(outcome));
        Assert.Contains("No such file or directory", outcome.Message);
    }

    [Fact]
    public async Task Given_a_run_Then_time_wall_time_and_memory_are_measured()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", "x = bytearray(b'x' * 50_000_000); s = sum(range(3_000_000))"]);

        Assert.True(outcome.ExitCode == 0, SandboxFixture.Describe(outcome));
        Assert.InRange(outcome.Time, 0.02, SandboxFixture.Seconds(2));
        Assert.InRange(outcome.WallTime, outcome.Time * 0.5, SandboxFixture.Seconds(5));
        Assert.InRange(outcome.MemoryKb, 50_000, 200_000);
    }
}
