using System.Globalization;
using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// A submission as Judge0's serializer writes it: requested fields in column order, decimals as
/// strings, text as UTF-8 or (base64_encoded=true) MIME base64. Null when some text field is not
/// valid UTF-8 and base64 is off; Judge0 then tells the client to ask for base64.
/// </summary>
internal static class SubmissionView
{
    public const string ConversionError =
        "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter";

    public const string ManyConversionError =
        "some attributes for one or more submissions cannot be converted to UTF-8, use base64_encoded=true query parameter";

    public static JsonObject? Render(Submission s, IReadOnlySet<string> fields, bool base64, IReadOnlyDictionary<int, Language> languages)
    {
        var json = new JsonObject();
        foreach (var field in SubmissionFields.All)
        {
            if (!fields.Contains(field))
            {
                continue;
            }
            JsonNode? value;
            switch (field)
            {
                case "source_code": if (!Text(s.SourceCode, base64, out value)) { return null; } break;
                case "stdin": if (!Text(s.Stdin, base64, out value)) { return null; } break;
                case "expected_output": if (!Text(s.ExpectedOutput, base64, out value)) { return null; } break;
                case "stdout": if (!Text(s.Stdout, base64, out value)) { return null; } break;
                case "stderr": if (!Text(s.Stderr, base64, out value)) { return null; } break;
                case "compile_output": if (!Text(s.CompileOutput, base64, out value)) { return null; } break;
                case "message": value = s.Message is null ? null : base64 ? RubyText.Base64Mime(Encoding.UTF8.GetBytes(s.Message)) : s.Message; break;
                case "additional_files": value = s.AdditionalFiles is null ? null : RubyText.Base64Mime(s.AdditionalFiles); break;
                case "language_id": value = s.LanguageId; break;
                case "status_id": value = s.StatusId; break;
                case "token": value = s.Token; break;
                case "created_at": value = Time(s.CreatedAt); break;
                case "finished_at": value = Time(s.FinishedAt); break;
                case "started_at": value = Time(s.StartedAt); break;
                case "queued_at": value = Time(s.QueuedAt); break;
                case "updated_at": value = Time(s.UpdatedAt); break;
                case "time": value = Decimal(s.Time); break;
                case "wall_time": value = Decimal(s.WallTime); break;
                case "cpu_time_limit": value = Decimal(s.CpuTimeLimit); break;
                case "cpu_extra_time": value = Decimal(s.CpuExtraTime); break;
                case "wall_time_limit": value = Decimal(s.WallTimeLimit); break;
                case "memory": value = s.Memory; break;
                case "exit_code": value = s.ExitCode; break;
                case "exit_signal": value = s.ExitSignal; break;
                case "number_of_runs": value = s.NumberOfRuns; break;
                case "memory_limit": value = s.MemoryLimit; break;
                case "stack_limit": value = s.StackLimit; break;
                case "max_processes_and_or_threads": value = s.MaxProcessesAndOrThreads; break;
                case "enable_per_process_and_thread_time_limit": value = s.EnablePerProcessAndThreadTimeLimit; break;
                case "enable_per_process_and_thread_memory_limit": value = s.EnablePerProcessAndThreadMemoryLimit; break;
                case "max_file_size": value = s.MaxFileSize; break;
                case "compiler_options": value = s.CompilerOptions; break;
                case "command_line_arguments": value = s.CommandLineArguments; break;
                case "redirect_stderr_to_stdout": value = s.RedirectStderrToStdout; break;
                case "callback_url": value = s.CallbackUrl; break;
                case "enable_network": value = s.EnableNetwork; break;
                case "queue_host": value = s.QueueHost; break;
                case "execution_host": value = s.ExecutionHost; break;
                case "status":
                    var status = Status.FromId(s.StatusId);
                    value = new JsonObject { ["id"] = s.StatusId, ["description"] = status.Description };
                    break;
                case "language":
                    value = languages.TryGetValue(s.LanguageId, out var language)
                        ? new JsonObject { ["id"] = language.Id, ["name"] = language.Name }
                        : null;
                    break;
                default: throw new UnreachableException(field);
            }
            json[field] = value;
        }
        return json;
    }

    private static bool Text(byte[]? bytes, bool base64, out JsonNode? value)
    {
        value = null;
        if (bytes is null)
        {
            return true;
        }
        if (base64)
        {
            value = RubyText.Base64Mime(bytes);
            return true;
        }
        if (!RubyText.TryUtf8(bytes, out var text))
        {
            return false;
        }
        value = text;
        return true;
    }

    private static JsonNode? Decimal(decimal? value) => value is { } d ? RubyText.Decimal(d) : null;

    /// <summary>Rails' JSON time format: UTC with milliseconds.</summary>
    private static JsonNode? Time(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
