using System.IO.Compression;
using System.Text.Json.Nodes;
using CodeRunner.Judge.Callbacks;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Judge.Server.Languages;
using CodeRunner.Storage;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// Params → a new submission, with Judge0's defaults and validations (its messages, in its order)
/// plus ours: strict base64, size limits, safe callback URLs, a readable additional_files zip.
/// </summary>
internal sealed class SubmissionBuilder(JudgeOptions options, ILanguageStore languages, LiveLanguages live, CallbackTargets callbackTargets, TimeProvider time)
{
    private const int MaxOptionLength = 512;

    // A system call per read; the host name does not change under a running server.
    private static readonly string HostName = Environment.MachineName;

    public async Task<(Submission? Submission, JsonObject Errors)> BuildAsync(JsonObject values, bool base64, CancellationToken ct)
    {
        var p = new SubmissionParams(values);
        var errors = new Errors();

        var source = Text(p, "source_code", base64, options.MaxSourceCodeSize, errors);
        var stdin = Text(p, "stdin", base64, options.MaxStdinSize, errors);
        var expected = Text(p, "expected_output", base64, options.MaxExpectedOutputSize, errors);
        var files = Text(p, "additional_files", base64: true, options.MaxAdditionalFilesSize, errors);

        var languageId = p.Integer("language_id");
        var language = languageId is { } id ? await languages.GetAsync(id, ct) : null;
        var isProject = language?.Name == "Multi-file program";

        var now = time.GetUtcNow();
        var submission = new Submission
        {
            Token = Guid.NewGuid().ToString(),
            SourceCode = source,
            LanguageId = languageId ?? 0,
            Stdin = stdin,
            ExpectedOutput = expected,
            AdditionalFiles = files,
            StatusId = Status.InQueue.Id,
            CreatedAt = now,
            QueuedAt = now,
            UpdatedAt = now,
            CompilerOptions = p.String("compiler_options"),
            CommandLineArguments = p.String("command_line_arguments"),
            CallbackUrl = p.String("callback_url"),
            QueueHost = HostName,
        };

        if (isProject)
        {
            if (!IsBlank(source)) { errors.Add("source_code", "must be blank"); }
            if (files is null || files.Length == 0) { errors.Add("additional_files", "can't be blank"); }
        }
        else if (IsBlank(source) && !errors.Has("source_code"))
        {
            errors.Add("source_code", "can't be blank");
        }
        if (languageId is null)
        {
            errors.Add("language_id", "can't be blank");
        }

        submission.NumberOfRuns = (int)Limit(p, "number_of_runs", options.NumberOfRuns, 0, exclusiveMin: true, options.MaxNumberOfRuns, errors);
        submission.CpuTimeLimit = Limit(p, "cpu_time_limit", options.CpuTimeLimit, 0, exclusiveMin: false, options.MaxCpuTimeLimit, errors, rubyFloat: true);
        submission.CpuExtraTime = Limit(p, "cpu_extra_time", options.CpuExtraTime, 0, exclusiveMin: false, options.MaxCpuExtraTime, errors, rubyFloat: true);
        submission.WallTimeLimit = Limit(p, "wall_time_limit", options.WallTimeLimit, 1, exclusiveMin: false, options.MaxWallTimeLimit, errors, rubyFloat: true);
        submission.MemoryLimit = (int)Limit(p, "memory_limit", options.MemoryLimit, 2048, exclusiveMin: false, options.MaxMemoryLimit, errors);
        submission.StackLimit = (int)Limit(p, "stack_limit", options.StackLimit, 0, exclusiveMin: false, options.MaxStackLimit, errors);
        submission.MaxProcessesAndOrThreads = (int)Limit(p, "max_processes_and_or_threads", options.MaxProcessesAndOrThreads, 0, exclusiveMin: true, options.MaxMaxProcessesAndOrThreads, errors);

        submission.EnablePerProcessAndThreadTimeLimit = p.Boolean("enable_per_process_and_thread_time_limit") ?? options.EnablePerProcessAndThreadTimeLimit;
        if (submission.EnablePerProcessAndThreadTimeLimit && !options.AllowEnablePerProcessAndThreadTimeLimit)
        {
            errors.Add("enable_per_process_and_thread_time_limit", "this option cannot be enabled");
        }
        submission.EnablePerProcessAndThreadMemoryLimit = p.Boolean("enable_per_process_and_thread_memory_limit") ?? options.EnablePerProcessAndThreadMemoryLimit;
        if (submission.EnablePerProcessAndThreadMemoryLimit && !options.AllowEnablePerProcessAndThreadMemoryLimit)
        {
            errors.Add("enable_per_process_and_thread_memory_limit", "this option cannot be enabled");
        }
        submission.MaxFileSize = (int)Limit(p, "max_file_size", options.MaxFileSize, 0, exclusiveMin: false, options.MaxMaxFileSize, errors);
        submission.RedirectStderrToStdout = p.Boolean("redirect_stderr_to_stdout") ?? options.RedirectStderrToStdout;
        submission.EnableNetwork = p.Boolean("enable_network") ?? options.EnableNetwork;

        OptionText("compiler_options", submission.CompilerOptions, errors);
        OptionText("command_line_arguments", submission.CommandLineArguments, errors);

        if (languageId is not null && language is null)
        {
            if ((await languages.ListAsync(includeArchived: true, ct)).Count == 0)
            {
                throw new NoLanguagesYetException();
            }
            errors.Add("language_id", $"language with id {languageId} doesn't exist");
        }
        else if (languageId is null)
        {
            // Judge0 reports the missing language twice; clients match on these strings.
            errors.Add("language_id", "language with id  doesn't exist");
        }
        else if (language!.IsArchived)
        {
            errors.Add("language_id", $"language with id {languageId} is archived and cannot be used anymore");
        }
        else if (!await live.CanRunAsync(language.Id, ct))
        {
            // Known, but no live worker has its toolchain: queued, it would wait for ever.
            errors.Add("language_id", $"language with id {languageId} is not available on any running worker");
        }

        CompilerOptionsAllowed(submission.CompilerOptions, language, errors);
        if (!string.IsNullOrWhiteSpace(submission.CommandLineArguments) && !options.EnableCommandLineArguments)
        {
            errors.Add("command_line_arguments", "setting command line arguments is not allowed");
        }
        if (!string.IsNullOrWhiteSpace(submission.CallbackUrl))
        {
            if (!options.EnableCallbacks)
            {
                errors.Add("callback_url", "setting callback is not allowed");
            }
            else if (await callbackTargets.ProblemAsync(submission.CallbackUrl, ct) is { } problem)
            {
                errors.Add("callback_url", problem);
            }
        }
        if (files is { Length: > 0 })
        {
            if (!options.EnableAdditionalFiles)
            {
                errors.Add("additional_files", "setting additional files is not allowed");
            }
            else if (ZipProblem(files) is { } problem)
            {
                errors.Add("additional_files", problem);
            }
        }
        if (submission.EnableNetwork && !options.AllowEnableNetwork)
        {
            errors.Add("enable_network", "enabling network is not allowed");
        }

        return (errors.Count == 0 ? submission : null, errors.Json);
    }

    private static byte[]? Text(SubmissionParams p, string name, bool base64, int maxBytes, Errors errors)
    {
        var text = p.String(name);
        if (text is null)
        {
            return null;
        }
        var bytes = base64 ? RubyText.FromBase64(text) : Encoding.UTF8.GetBytes(text);
        if (bytes is null)
        {
            errors.Add(name, "is not valid base64");
            return null;
        }
        if (bytes.Length > maxBytes)
        {
            errors.Add(name, $"is too long (maximum is {maxBytes} bytes)");
        }
        return bytes;
    }

    /// <summary>Rails' numericality validation of a limit that defaults from the configuration; the
    /// default when invalid (the error refuses the submission; the value need not fit its column).</summary>
    private static decimal Limit(SubmissionParams p, string name, decimal fallback, decimal min, bool exclusiveMin, decimal max, Errors errors, bool rubyFloat = false)
    {
        var value = p.Number(name, out var notANumber);
        if (notANumber)
        {
            errors.Add(name, "is not a number");
            return fallback;
        }
        var v = value ?? fallback;
        var maxText = rubyFloat ? RubyText.Decimal(max) : max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (exclusiveMin ? v <= min : v < min)
        {
            errors.Add(name, exclusiveMin ? $"must be greater than {min}" : $"must be greater than or equal to {min}");
            return fallback;
        }
        if (v > max)
        {
            errors.Add(name, $"must be less than or equal to {maxText}");
            return fallback;
        }
        return v;
    }

    private static void OptionText(string name, string? value, Errors errors)
    {
        if (value is null)
        {
            return;
        }
        if (value.Length > MaxOptionLength)
        {
            errors.Add(name, $"is too long (maximum is {MaxOptionLength} characters)");
        }
        // Options become argv words, never shell text, so a newline is just a character
        // (CVE-2024-28189 smuggled commands through one into Judge0's script). Only NUL cannot
        // be carried in argv.
        if (value.Contains('\0'))
        {
            errors.Add(name, "must not contain NUL characters");
        }
    }

    private void CompilerOptionsAllowed(string? compilerOptions, Language? language, Errors errors)
    {
        if (string.IsNullOrWhiteSpace(compilerOptions))
        {
            return;
        }
        if (!options.EnableCompilerOptions)
        {
            errors.Add("compiler_options", "setting compiler options is not allowed");
            return;
        }
        if (language is not null && language.CompileCmd is null)
        {
            errors.Add("compiler_options", "setting compiler options is only allowed for compiled languages");
            return;
        }
        var allowed = options.AllowedLanguagePrefixes;
        if (language is not null && allowed.Count > 0 && !allowed.Any(a => language.Name.StartsWith(a + " ", StringComparison.Ordinal)))
        {
            var list = allowed.Count > 1 ? string.Join(", ", allowed.Take(allowed.Count - 1)) + " and " + allowed[^1] : allowed[0];
            errors.Add("compiler_options", $"setting compiler options is only allowed for {list}");
        }
    }

    /// <summary>The zip must open and declare no more than MAX_EXTRACT_SIZE KB (the worker still caps real extraction).</summary>
    private string? ZipProblem(byte[] zip)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                total += entry.Length;
                if (total > options.MaxExtractSize * 1024L)
                {
                    return $"extract to more than {options.MaxExtractSize} KB";
                }
            }
            return null;
        }
        catch (InvalidDataException)
        {
            return "is not a valid zip archive";
        }
    }

    private static bool IsBlank(byte[]? bytes) =>
        bytes is null || bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'\v');

    /// <summary>Rails' errors hash: field → messages, fields in the order they first failed.</summary>
    private sealed class Errors
    {
        public JsonObject Json { get; } = [];

        public int Count => Json.Count;

        public bool Has(string field) => Json.ContainsKey(field);

        public void Add(string field, string message)
        {
            if (Json[field] is not JsonArray list)
            {
                Json[field] = list = [];
            }
            list.Add(message);
        }
    }
}
