namespace CodeRunner.Judge.Worker.Languages;

/// <summary>
/// Every language this worker knows, with Judge0 CE 1.13.1 ids (db/languages/active.rb at v1.13.1):
/// its source file names, and its compile and run commands with compiler_options and
/// command_line_arguments where Judge0 places them. Only those whose toolchain is installed become
/// runnable; the name carries the real version found on this machine. Not served, because neither
/// Debian 12 nor Ubuntu 24.04 packages them: 47 Basic (FreeBASIC), 70 Python 2 (detected only if
/// a python2 is installed by hand), 83 Swift.
/// </summary>
internal static class LanguageCatalog
{
    public static readonly IReadOnlyList<LanguageDefinition> All =
    [
        .. NativeLanguages.All,
        .. ScriptLanguages.All,
        .. JvmLanguages.All,
        .. DotNetLanguages.All,
        new()
        {
            Id = 89, Name = "Multi-file program", SourceFile = "", IsMultiFile = true,
            Tools = Tool("bash", "/usr/bin/bash", "/bin/bash"),
            Compile = ["{bash}", "compile"], Run = ["{bash}", "run", "{args}"], RunDisplay = "/bin/bash run",
        },
    ];

    public static Dictionary<string, string[]> Tool(string token, params string[] candidates) => new() { [token] = candidates };

    /// <summary>Host paths outside /usr a toolchain reads, those that exist (bound read-only).</summary>
    public static Func<IReadOnlyList<string>> Existing(params string[] paths) =>
        () => paths.Where(p => File.Exists(p) || Directory.Exists(p)).ToList();

    /// <summary>
    /// Several tools in one compile: a fixed <c>sh -c</c> script with the compiler options as its
    /// positional parameters ("$@"), so they stay argv entries and are never parsed by a shell.
    /// </summary>
    public static string[] Script(string script, params string[] after) => ["{sh}", "-c", script, "sh", "{options}", .. after];

    public static string[] Shell => ["/usr/bin/sh", "/bin/sh"];
}
