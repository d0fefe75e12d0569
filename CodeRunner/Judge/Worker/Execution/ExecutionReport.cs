namespace CodeRunner.Judge.Worker.Execution;

/// <summary>The final result of executing one submission, outputs as raw bytes.</summary>
internal sealed record ExecutionReport(
    Status Status,
    byte[]? Stdout = null,
    byte[]? Stderr = null,
    byte[]? CompileOutput = null,
    string? Message = null,
    decimal? Time = null,
    decimal? WallTime = null,
    int? Memory = null,
    int? ExitCode = null,
    int? ExitSignal = null)
{
    public static ExecutionReport Internal(string message) => new(Status.InternalError, Message: message);
}
