namespace CodeRunner.Contracts;

/// <summary>
/// One submission row: every attribute Judge0 CE 1.13.1 stores. Program text and output are raw
/// bytes (already base64-decoded): a program may print, and a client may send with
/// base64_encoded=true, bytes that are not UTF-8; the API decides how to render them per request.
/// <see cref="Message"/> is written by the judge itself and is always text.
/// </summary>
public sealed class Submission
{
    public long Id { get; set; }
    public required string Token { get; set; }
    public byte[]? SourceCode { get; set; }
    public int LanguageId { get; set; }
    public byte[]? Stdin { get; set; }
    public byte[]? ExpectedOutput { get; set; }
    public byte[]? Stdout { get; set; }
    public byte[]? Stderr { get; set; }
    public byte[]? CompileOutput { get; set; }
    public string? Message { get; set; }
    public int StatusId { get; set; } = Status.InQueue.Id;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public decimal? Time { get; set; }
    public decimal? WallTime { get; set; }
    public int? Memory { get; set; }
    public int? ExitCode { get; set; }
    public int? ExitSignal { get; set; }
    public int NumberOfRuns { get; set; }
    public decimal CpuTimeLimit { get; set; }
    public decimal CpuExtraTime { get; set; }
    public decimal WallTimeLimit { get; set; }
    public int MemoryLimit { get; set; }
    public int StackLimit { get; set; }
    public int MaxProcessesAndOrThreads { get; set; }
    public bool EnablePerProcessAndThreadTimeLimit { get; set; }
    public bool EnablePerProcessAndThreadMemoryLimit { get; set; }
    public int MaxFileSize { get; set; }
    public string? CompilerOptions { get; set; }
    public string? CommandLineArguments { get; set; }
    public bool RedirectStderrToStdout { get; set; }
    public string? CallbackUrl { get; set; }
    public byte[]? AdditionalFiles { get; set; }
    public bool EnableNetwork { get; set; }
    public string? QueueHost { get; set; }
    public string? ExecutionHost { get; set; }
}
