namespace CodeRunner.Contracts;

/// <summary>
/// A language as the judge API serves it. <see cref="CompileCmd"/> and <see cref="RunCmd"/> are
/// display strings in Judge0's form; workers run argv arrays, never these strings through a shell.
/// </summary>
public sealed record Language(
    int Id,
    string Name,
    bool IsArchived,
    string SourceFile,
    string? CompileCmd,
    string RunCmd);
