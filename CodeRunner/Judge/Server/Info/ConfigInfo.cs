using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;

namespace CodeRunner.Judge.Server.Info;

/// <summary>
/// Judge0 1.13.1's /config_info: its 39 keys in its order, floats as JSON numbers with a
/// fractional part (Ruby's to_f), the compile-options languages as a list. No secrets in here.
/// </summary>
internal static class ConfigInfo
{
    public static JsonObject Build(JudgeOptions o) => new()
    {
        ["maintenance_mode"] = o.MaintenanceMode,
        ["enable_wait_result"] = o.EnableWaitResult,
        ["enable_compiler_options"] = o.EnableCompilerOptions,
        ["allowed_languages_for_compile_options"] = new JsonArray(o.AllowedLanguagePrefixes.Select(l => (JsonNode)l).ToArray()),
        ["enable_command_line_arguments"] = o.EnableCommandLineArguments,
        ["enable_submission_delete"] = o.EnableSubmissionDelete,
        ["enable_callbacks"] = o.EnableCallbacks,
        ["callbacks_max_tries"] = o.CallbacksMaxTries,
        ["callbacks_timeout"] = RubyText.Float(o.CallbacksTimeout),
        ["enable_additional_files"] = o.EnableAdditionalFiles,
        ["max_queue_size"] = o.MaxQueueSize,
        ["cpu_time_limit"] = RubyText.Float(o.CpuTimeLimit),
        ["max_cpu_time_limit"] = RubyText.Float(o.MaxCpuTimeLimit),
        ["cpu_extra_time"] = RubyText.Float(o.CpuExtraTime),
        ["max_cpu_extra_time"] = RubyText.Float(o.MaxCpuExtraTime),
        ["wall_time_limit"] = RubyText.Float(o.WallTimeLimit),
        ["max_wall_time_limit"] = RubyText.Float(o.MaxWallTimeLimit),
        ["memory_limit"] = o.MemoryLimit,
        ["max_memory_limit"] = o.MaxMemoryLimit,
        ["stack_limit"] = o.StackLimit,
        ["max_stack_limit"] = o.MaxStackLimit,
        ["max_processes_and_or_threads"] = o.MaxProcessesAndOrThreads,
        ["max_max_processes_and_or_threads"] = o.MaxMaxProcessesAndOrThreads,
        ["enable_per_process_and_thread_time_limit"] = o.EnablePerProcessAndThreadTimeLimit,
        ["allow_enable_per_process_and_thread_time_limit"] = o.AllowEnablePerProcessAndThreadTimeLimit,
        ["enable_per_process_and_thread_memory_limit"] = o.EnablePerProcessAndThreadMemoryLimit,
        ["allow_enable_per_process_and_thread_memory_limit"] = o.AllowEnablePerProcessAndThreadMemoryLimit,
        ["max_file_size"] = o.MaxFileSize,
        ["max_max_file_size"] = o.MaxMaxFileSize,
        ["number_of_runs"] = o.NumberOfRuns,
        ["max_number_of_runs"] = o.MaxNumberOfRuns,
        ["redirect_stderr_to_stdout"] = o.RedirectStderrToStdout,
        ["max_extract_size"] = o.MaxExtractSize,
        ["enable_batched_submissions"] = o.EnableBatchedSubmissions,
        ["max_submission_batch_size"] = o.MaxSubmissionBatchSize,
        ["submission_cache_duration"] = RubyText.Float(o.SubmissionCacheDuration),
        ["use_docs_as_homepage"] = o.UseDocsAsHomepage,
        ["allow_enable_network"] = o.AllowEnableNetwork,
        ["enable_network"] = o.EnableNetwork,
    };
}
