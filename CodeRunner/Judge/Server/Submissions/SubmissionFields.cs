namespace CodeRunner.Judge.Server.Submissions;

/// <summary>The attributes Judge0's SubmissionSerializer exposes, in its (column) order.</summary>
internal static class SubmissionFields
{
    public static readonly IReadOnlyList<string> All =
    [
        "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at",
        "finished_at", "time", "memory", "stderr", "token", "number_of_runs", "cpu_time_limit",
        "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit", "max_processes_and_or_threads",
        "enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
        "max_file_size", "compile_output", "exit_code", "exit_signal", "message", "wall_time",
        "compiler_options", "command_line_arguments", "redirect_stderr_to_stdout", "callback_url",
        "additional_files", "enable_network", "started_at", "queued_at", "updated_at", "queue_host",
        "execution_host", "status", "language",
    ];

    public static readonly IReadOnlySet<string> Default = new HashSet<string>(StringComparer.Ordinal)
    {
        "token", "time", "memory", "stdout", "stderr", "compile_output", "message", "status",
    };

    public static readonly IReadOnlySet<string> TokenOnly = new HashSet<string>(StringComparer.Ordinal) { "token" };

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    /// <summary>
    /// The `fields` query parameter: comma separated names, "*" for all, absent for the defaults.
    /// Unknown names are returned so the caller can answer 400 naming them.
    /// </summary>
    public static IReadOnlySet<string> Parse(string? fields, out IReadOnlyList<string> invalid)
    {
        var names = (fields ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        invalid = names.Where(n => n != "*" && !Known.Contains(n)).ToList();
        if (names.Length == 0)
        {
            return Default;
        }
        return names.Contains("*") ? Known : names.ToHashSet(StringComparer.Ordinal);
    }
}
