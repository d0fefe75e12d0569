namespace CodeRunner.Contracts;

/// <summary>
/// What a worker writes back for one submission once it is final. Output is the raw bytes the
/// program wrote (not base64, not decoded): the API base64-encodes or UTF-8-checks per request.
/// </summary>
public sealed record SubmissionResult(
    string Token,
    int StatusId,
    byte[]? Stdout,
    byte[]? Stderr,
    byte[]? CompileOutput,
    string? Message,
    decimal? Time,
    decimal? WallTime,
    int? Memory,
    int? ExitCode,
    int? ExitSignal,
    DateTimeOffset FinishedAt,
    string? ExecutionHost);
