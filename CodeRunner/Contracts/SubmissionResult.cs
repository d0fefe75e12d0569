namespace CodeRunner.Contracts;

/// <summary>What a worker writes back for one submission once it is final.</summary>
public sealed record SubmissionResult(
    string Token,
    int StatusId,
    string? Stdout,
    string? Stderr,
    string? CompileOutput,
    string? Message,
    decimal? Time,
    decimal? WallTime,
    int? Memory,
    int? ExitCode,
    int? ExitSignal,
    DateTimeOffset FinishedAt,
    string? ExecutionHost);
