using CodeRunner.Judge.Worker.Languages;
using CodeRunner.Sandbox;

namespace CodeRunner.Judge.Worker.Execution;

/// <summary>
/// Compiles (stdin /dev/null, maximum limits) then runs a submission number_of_runs times in one
/// fresh box, stopping at the first run that is not Accepted; time and memory are averaged.
/// </summary>
internal sealed class SubmissionExecutor(ISandbox sandbox, LanguageRegistry languages, JudgeOptions options)
{
    public async Task<ExecutionReport> ExecuteAsync(Submission submission, int slot, CancellationToken ct)
    {
        var language = languages.Find(submission.LanguageId);
        if (language is null)
        {
            return ExecutionReport.Internal($"language {submission.LanguageId} is not available on this worker");
        }
        if (language.Definition.SourceIsExecutable && !IsExecutableFormat(submission.SourceCode))
        {
            // execve would refuse it (ENOEXEC); the sandbox's execvp would instead hand it to /bin/sh.
            return new ExecutionReport(Status.ExecFormatError, Message: "Exec format error");
        }
        await using var box = await sandbox.CreateBoxAsync(slot, ct);
        var prepared = Prepare(box, submission, language);
        if (prepared.Error is not null)
        {
            return ExecutionReport.Internal(prepared.Error);
        }

        byte[]? compileOutput = null;
        if (language.HasCompileStep && prepared.Compile)
        {
            var compile = await box.RunAsync(
                new SandboxRun(language.CompileArgv(ArgumentSplitter.Split(submission.CompilerOptions)), Stdin: null,
                    options.CompileLimits, RedirectStderrToStdout: true, Environment(language), language.ReadOnlyPaths),
                ct);
            compileOutput = compile.Stdout.Length > 0 ? compile.Stdout : null;
            switch (compile.Termination)
            {
                case SandboxTermination.CpuTimeLimit or SandboxTermination.WallTimeLimit:
                    return new ExecutionReport(Status.CompilationError, CompileOutput: "Compilation time limit exceeded."u8.ToArray());
                case SandboxTermination.InternalError:
                    return ExecutionReport.Internal(compile.Message ?? "compilation failed in the sandbox");
                case not SandboxTermination.Exited:
                case SandboxTermination.Exited when compile.ExitCode != 0:
                    return new ExecutionReport(Status.CompilationError, CompileOutput: compileOutput,
                        Message: compile.Termination == SandboxTermination.MemoryLimit ? "Memory limit exceeded during compilation" : null);
            }
        }

                var run = new SandboxRun(
            language.RunArgv(ArgumentSplitter.Split(submission.CommandLineArguments)), submission.Stdin ?? [], LimitsOf(submission),
            submission.RedirectStderrToStdout, Environment(language), language.ReadOnlyPaths);
        var runs = Math.Max(1, submission.NumberOfRuns);
        double time = 0, wall = 0, memory = 0;
        SandboxOutcome outcome = null!;
        Verdict verdict = null!;
        var done = 0;
        for (var i = 0; i < runs; i++)
        {
            outcome = await box.RunAsync(run, ct);
            done++;
            time += outcome.Time;
            wall += outcome.WallTime;
            memory += outcome.MemoryKb;
            verdict = Verdict.Of(outcome, submission.ExpectedOutput);
            if (verdict.Status != Status.Accepted)
            {
                break;
            }
        }
        return new ExecutionReport(
            verdict.Status,
            Stdout: NullIfEmpty(outcome.Stdout),
            Stderr: NullIfEmpty(outcome.Stderr),
            CompileOutput: compileOutput,
            Message: verdict.Message,
            Time: Math.Round((decimal)(time / done), 3),
            WallTime: Math.Round((decimal)(wall / done), 3),
            Memory: (int)Math.Round(memory / done),
            ExitCode: verdict.ExitCode,
            ExitSignal: verdict.ExitSignal);
    }

    private sealed record Preparation(bool Compile, string? Error);

    /// <summary>Writes every input file into the fresh box; nothing untrusted has run yet.</summary>
    private Preparation Prepare(IBox box, Submission submission, RunnableLanguage language)
    {
        var files = new List<string>();
        if (submission.AdditionalFiles is { Length: > 0 } zip)
        {
            var (written, error) = AdditionalFiles.Extract(zip, box, options.MaxExtractSize * 1024L);
            if (error is not null)
            {
                return new(false, error);
            }
            files.AddRange(written);
        }
        if (language.Definition.IsMultiFile)
        {
            return files.Contains("run")
                ? new(files.Contains("compile"), null)
                : new(false, "Multi-file program: additional_files must contain a 'run' script");
        }
        box.WriteFile(language.Info.SourceFile, submission.SourceCode ?? [], executable: language.Definition.SourceIsExecutable);
        foreach (var (name, content) in language.ExtraFiles)
        {
            box.WriteFile(name, content);
        }
        return new(true, null);
    }

    private static SandboxLimits LimitsOf(Submission s) => new(
        CpuTime: (double)s.CpuTimeLimit,
        ExtraCpuTime: (double)s.CpuExtraTime,
        WallTime: (double)s.WallTimeLimit,
        MemoryKb: s.MemoryLimit,
        StackKb: s.StackLimit,
        MaxProcesses: s.MaxProcessesAndOrThreads,
        MaxFileSizeKb: s.MaxFileSize,
        PerProcessTimeLimit: s.EnablePerProcessAndThreadTimeLimit,
        PerProcessMemoryLimit: s.EnablePerProcessAndThreadMemoryLimit);

    private static Dictionary<string, string> Environment(RunnableLanguage language)
    {
        var env = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = "/tmp",
            ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in language.Environment)
        {
            env[key] = value;
        }
        return env;
    }

    /// <summary>What execve accepts: an ELF binary or a #! script.</summary>
    private static bool IsExecutableFormat(byte[]? program) =>
        program is not null && (program.AsSpan().StartsWith("\u007fELF"u8) || program.AsSpan().StartsWith("#!"u8));

    private static byte[]? NullIfEmpty(byte[] bytes) => bytes.Length == 0 ? null : bytes;
}
