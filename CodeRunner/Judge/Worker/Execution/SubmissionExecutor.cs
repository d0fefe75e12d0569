using CodeRunner.Judge.Worker.Languages;
using CodeRunner.Sandbox;

namespace CodeRunner.Judge.Worker.Execution;

/// <summary>
/// Compiles (stdin /dev/null, maximum limits) then runs a submission number_of_runs times in one
/// fresh box, stopping at the first run that is not Accepted; time and memory are averaged.
/// </summary>
internal sealed class SubmissionExecutor(ISandbox sandbox, LanguageRegistry languages, CompileCache cache, JudgeOptions options)
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
            var (failure, output) = await CompileAsync(box, submission, language, ct);
            if (failure is not null)
            {
                return failure;
            }
            compileOutput = output;
        }

        var limits = LimitsOf(submission);
        var run = new SandboxRun(
            language.RunArgv(ArgumentSplitter.Split(submission.CommandLineArguments), limits.MemoryKb), submission.Stdin ?? [], limits,
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

    /// <summary>
    /// Compiles in the box, or unpacks the build an identical submission left (see
    /// <see cref="CompileCache"/>); a compilation error is the report to return.
    /// </summary>
    private async Task<(ExecutionReport? Failure, byte[]? Output)> CompileAsync(IBox box, Submission submission, RunnableLanguage language, CancellationToken ct)
    {
        var argv = language.CompileArgv(ArgumentSplitter.Split(submission.CompilerOptions), options.CompileLimits.MemoryKb);
        // A multi-file program compiles with its own script, whose result need not repeat.
        var key = cache.Enabled && !language.Definition.IsMultiFile
            ? CompileCache.Key(submission.LanguageId, argv, submission.SourceCode, submission.AdditionalFiles)
            : null;
        if (key is not null && cache.TryGet(key, out var kept))
        {
            if (kept.Box is null)
            {
                cache.CountReuse();
                return (new ExecutionReport(Status.CompilationError, CompileOutput: kept.Output), null);
            }
            // Files the box already has (the inputs, written above) are the same ones: left as they are.
            var unpack = await box.RunAsync(new SandboxRun(["/usr/bin/tar", "-x", "-f", "-", "--skip-old-files"], kept.Box, options.CompileLimits), ct);
            if (unpack is { Termination: SandboxTermination.Exited, ExitCode: 0 })
            {
                cache.CountReuse();
                return (null, kept.Output);
            }
            // Not unpacked (e.g. the box ran out of room): compile as if nothing was kept.
        }

        var repeated = key is not null && cache.Compiling(key);
        var compile = await box.RunAsync(
            new SandboxRun(argv, Stdin: null, options.CompileLimits, RedirectStderrToStdout: true, Environment(language), language.ReadOnlyPaths), ct);
        var output = compile.Stdout.Length > 0 ? compile.Stdout : null;
        switch (compile.Termination)
        {
            case SandboxTermination.CpuTimeLimit or SandboxTermination.WallTimeLimit:
                return (new ExecutionReport(Status.CompilationError, CompileOutput: "Compilation time limit exceeded."u8.ToArray()), null);
            case SandboxTermination.InternalError:
                return (ExecutionReport.Internal(compile.Message ?? "compilation failed in the sandbox"), null);
            case SandboxTermination.Exited when compile.ExitCode != 0:
                if (key is not null)
                {
                    cache.Keep(key, new CompileCache.Build(Box: null, output));
                }
                return (new ExecutionReport(Status.CompilationError, CompileOutput: output), null);
            case not SandboxTermination.Exited:
                return (new ExecutionReport(Status.CompilationError, CompileOutput: output,
                    Message: compile.Termination == SandboxTermination.MemoryLimit ? "Memory limit exceeded during compilation" : null), null);
        }
        if (repeated)
        {
            // Packed by tar inside the sandbox: the host only ever sees the bytes.
            var pack = await box.RunAsync(new SandboxRun(["/usr/bin/tar", "-c", "-f", "-", "."], Stdin: null, options.CompileLimits with { MaxFileSizeKb = PackLimitKb, OutputCapKb = null }), ct);
            if (pack is { Termination: SandboxTermination.Exited, ExitCode: 0 })
            {
                cache.Keep(key!, new CompileCache.Build(pack.Stdout, output));
            }
        }
        return (null, output);
    }

    /// <summary>Largest packed build kept, KB.</summary>
    private const long PackLimitKb = 64 * 1024;

    private sealed record Preparation(bool Compile, string? Error);

    /// <summary>
    /// Writes every input file into the fresh box; nothing untrusted has run yet. As in Judge0
    /// 1.13.1 (isolate_job.rb: the source file, then <c>unzip -n</c>), the source comes first and
    /// additional_files never overwrite: an entry named like it, or a second entry of one name, is skipped.
    /// </summary>
    private Preparation Prepare(IBox box, Submission submission, RunnableLanguage language)
    {
        var inBox = new List<string>();
        if (!language.Definition.IsMultiFile)
        {
            var source = submission.SourceCode ?? [];
            box.WriteFile(language.Info.SourceFile, language.Definition.SourcePrefix is { Length: > 0 } prefix ? [.. prefix, .. source] : source,
                executable: language.Definition.SourceIsExecutable);
            inBox.Add(language.Info.SourceFile);
            foreach (var (name, content) in language.ExtraFiles)
            {
                box.WriteFile(name, content);
                inBox.Add(name);
            }
        }
        IReadOnlyList<string> files = [];
        if (submission.AdditionalFiles is { Length: > 0 } zip)
        {
            (files, var error) = AdditionalFiles.Extract(zip, box, options.MaxExtractSize * 1024L, inBox);
            if (error is not null)
            {
                return new(false, error);
            }
        }
        if (language.Definition.IsMultiFile)
        {
            return files.Contains("run")
                ? new(files.Contains("compile"), null)
                : new(false, "Multi-file program: additional_files must contain a 'run' script");
        }
        return new(true, null);
    }

    /// <summary>The submission's limits; with per-process memory limits the run as a whole still stops at MAX_MEMORY_LIMIT.</summary>
    private SandboxLimits LimitsOf(Submission s) => new(
        CpuTime: (double)s.CpuTimeLimit,
        ExtraCpuTime: (double)s.CpuExtraTime,
        WallTime: (double)s.WallTimeLimit,
        MemoryKb: s.MemoryLimit,
        StackKb: s.StackLimit,
        MaxProcesses: s.MaxProcessesAndOrThreads,
        MaxFileSizeKb: s.MaxFileSize,
        PerProcessTimeLimit: s.EnablePerProcessAndThreadTimeLimit,
        PerProcessMemoryLimit: s.EnablePerProcessAndThreadMemoryLimit,
        TotalMemoryKb: options.MaxMemoryLimit);

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
