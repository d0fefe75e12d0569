using CodeRunner.Sandbox;

namespace CodeRunner.Judge.Worker.Execution;

/// <summary>One run's outcome in Judge0's terms: status id, message, exit code and signal.</summary>
internal sealed record Verdict(Status Status, string? Message, int? ExitCode, int? ExitSignal)
{
    private const int SigKill = 9;

    public static Verdict Of(SandboxOutcome outcome, byte[]? expectedOutput) => outcome.Termination switch
    {
        SandboxTermination.CpuTimeLimit => new(Status.TimeLimitExceeded, "Time limit exceeded", null, SigKill),
        SandboxTermination.WallTimeLimit => new(Status.TimeLimitExceeded, "Time limit exceeded (wall clock)", null, SigKill),
        // Judge0 has no memory status: an OOM kill is a SIGKILL, Runtime Error (Other), and the
        // message says why (Judge0 issue #298).
        SandboxTermination.MemoryLimit => new(Status.RuntimeErrorOther, "Memory limit exceeded", null, SigKill),
        // Judge0 limits output with the file-size rlimit, so too much output is SIGXFSZ.
        SandboxTermination.OutputLimit => new(Status.RuntimeErrorSigxfsz, "Output limit exceeded", null, 25),
        SandboxTermination.ExecFormatError => new(Status.ExecFormatError, outcome.Message ?? "Exec format error", null, null),
        SandboxTermination.InternalError => new(Status.InternalError, outcome.Message ?? "Sandbox failure", null, null),
        SandboxTermination.Signaled => new(FromSignal(outcome.Signal ?? 0), $"Caught fatal signal {outcome.Signal}", null, outcome.Signal),
        _ when outcome.ExitCode is not 0 => new(Status.RuntimeErrorNzec, $"Exited with error status {outcome.ExitCode}", outcome.ExitCode, null),
        _ when expectedOutput is not null && !OutputComparer.Matches(expectedOutput, outcome.Stdout) => new(Status.WrongAnswer, null, 0, null),
        _ => new(Status.Accepted, null, 0, null),
    };

    private static Status FromSignal(int signal) => signal switch
    {
        11 => Status.RuntimeErrorSigsegv,
        25 => Status.RuntimeErrorSigxfsz,
        8 => Status.RuntimeErrorSigfpe,
        6 => Status.RuntimeErrorSigabrt,
        _ => Status.RuntimeErrorOther,
    };
}
