using CodeRunner.Judge.Server.Http;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>
/// The attributes Judge0 1.13.1's SubmissionSerializer exposes (the `submissions` columns of its
/// db/schema.rb without `id`, then status and language), plus five columns Judge0 added after
/// 1.13.1, which are shown only when asked for by name: `*` stays exactly 1.13.1's set.
/// </summary>
internal static class SubmissionFields
{
    /// <summary>Judge0 1.13.1's 33 columns, in its column order.</summary>
    private static readonly string[] Columns =
    [
        "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at",
        "finished_at", "time", "memory", "stderr", "token", "number_of_runs", "cpu_time_limit",
        "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit", "max_processes_and_or_threads",
        "enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
        "max_file_size", "compile_output", "exit_code", "exit_signal", "message", "wall_time",
        "compiler_options", "command_line_arguments", "redirect_stderr_to_stdout", "callback_url",
        "additional_files", "enable_network",
    ];

    /// <summary>Columns of Judge0 after 1.13.1 (its master's column order); never part of `*`.</summary>
    private static readonly string[] Later = ["started_at", "queued_at", "updated_at", "queue_host", "execution_host"];

    /// <summary>Every name a client may ask for, in the order a response lists them.</summary>
    public static readonly IReadOnlyList<string> All = [.. Columns, .. Later, "status", "language"];

    /// <summary>What `fields=*` gives: Judge0 1.13.1's 35 attributes.</summary>
    public static readonly IReadOnlySet<string> Star = new HashSet<string>([.. Columns, "status", "language"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Default = new HashSet<string>(StringComparer.Ordinal)
    {
        "token", "time", "memory", "stdout", "stderr", "compile_output", "message", "status",
    };

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    /// <summary>
    /// The `fields` query parameter as Judge0 reads it (`fields.to_s.split(",")`: no trimming, empty
    /// names between commas kept and invalid, trailing ones dropped). `*` is 1.13.1's set plus any
    /// later field also named; nothing valid is the defaults. Unknown names come back, in order,
    /// so the caller can answer 400 naming them.
    /// </summary>
    public static IReadOnlySet<string> Parse(string? fields, out IReadOnlyList<string> invalid)
    {
        var names = RubyText.Split(fields ?? "", ',');
        invalid = names.Where(n => n != "*" && !Known.Contains(n)).ToList();
        var valid = names.Where(Known.Contains).ToHashSet(StringComparer.Ordinal);
        if (names.Contains("*"))
        {
            valid.UnionWith(Star);
            return valid;
        }
        return valid.Count > 0 ? valid : Default;
    }
}
