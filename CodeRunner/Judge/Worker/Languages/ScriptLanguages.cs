using static CodeRunner.Judge.Worker.Languages.LanguageCatalog;

namespace CodeRunner.Judge.Worker.Languages;

/// <summary>Languages an interpreter or a VM runs from source (TypeScript and Lua compile first, as in Judge0).</summary>
internal static class ScriptLanguages
{
    private static readonly Dictionary<string, string> NoEnv = new();

    public static IEnumerable<LanguageDefinition> All =>
    [
        new()
        {
            Id = 43, Name = "Plain Text", SourceFile = "text.txt",
            Tools = Tool("cat", "/usr/bin/cat"),
            Run = ["{cat}", "text.txt"], RunDisplay = "/bin/cat text.txt",
        },
        Interpreter(46, "Bash ({version})", ["/usr/bin/bash", "/bin/bash"], "script.sh", ["--version"]),
        Interpreter(55, "Common Lisp (SBCL {version})", ["/usr/bin/sbcl"], "script.lisp", ["--version"], flags: ["--script"]),
        new()
        {
            Id = 57, Name = "Elixir ({version})", SourceFile = "script.exs",
            Tools = new Dictionary<string, string[]> { ["elixir"] = ["/usr/bin/elixir"], ["env"] = ["/usr/bin/env"] }, VersionProbe = ("elixir", ["--version"]), VersionPattern = @"Elixir (\d+\.\d+\.\d+)",
            Run = [.. BeamStart, "{elixir}", "script.exs", "{args}"], RunDisplay = "/usr/bin/elixir script.exs",
            Environment = Beam,
        },
        new()
        {
            Id = 58, Name = "Erlang (OTP {version})", SourceFile = "main.erl",
            Tools = new Dictionary<string, string[]> { ["escript"] = ["/usr/bin/escript"], ["erl"] = ["/usr/bin/erl"], ["env"] = ["/usr/bin/env"] },
            VersionProbe = ("erl", ["-noshell", "-eval",
                "{ok, V} = file:read_file(filename:join([code:root_dir(), \"releases\", erlang:system_info(otp_release), \"OTP_VERSION\"])), io:put_chars(V), halt()."]),
            // escript skips the first line: Judge0 prepends an empty one (sed) so line 1 is the program's.
            SourcePrefix = "\n"u8.ToArray(),
            Run = [.. BeamStart, "{escript}", "main.erl", "{args}"], RunDisplay = "/bin/sed -i '1s/^/\\n/' main.erl && /usr/bin/escript main.erl",
            Environment = Beam,
        },
        Interpreter(63, "JavaScript (Node.js {version})", ["/usr/bin/node", "/usr/bin/nodejs"], "script.js", ["--version"]),
        new()
        {
            Id = 64, Name = "Lua ({version})", SourceFile = "script.lua",
            Tools = new Dictionary<string, string[]>
            {
                ["luac"] = ["/usr/bin/luac5.4", "/usr/bin/luac5.3"], ["lua"] = ["/usr/bin/lua5.4", "/usr/bin/lua5.3"],
            },
            VersionProbe = ("lua", ["-v"]),
            Compile = ["{luac}", "{options}", "script.lua"], CompileDisplay = "/usr/bin/luac5.4 %s script.lua",
            Run = ["{lua}", "./luac.out", "{args}"], RunDisplay = "/usr/bin/lua5.4 ./luac.out",
        },
        Interpreter(66, "Octave ({version})", ["/usr/bin/octave-cli"], "script.m", ["--version"], flags: ["-q", "--no-gui", "--no-history"],
            readOnly: Existing("/etc/octaverc")),
        Interpreter(68, "PHP ({version})", ["/usr/bin/php"], "script.php", ["--version"], readOnly: Existing("/etc/php")),
        Interpreter(70, "Python ({version})", ["/usr/bin/python2", "/usr/bin/python2.7"], "script.py", ["--version"]),
        Interpreter(71, "Python ({version})", ["/usr/bin/python3"], "script.py", ["--version"]),
        Interpreter(72, "Ruby ({version})", ["/usr/bin/ruby"], "script.rb", ["--version"]),
        new()
        {
            Id = 74, Name = "TypeScript ({version})", SourceFile = "script.ts",
            Tools = new Dictionary<string, string[]> { ["node"] = ["/usr/bin/node", "/usr/bin/nodejs"], ["tsc"] = ["/usr/bin/tsc"] },
            VersionProbe = ("tsc", ["--version"]),
            Compile = ["{node}", "{tsc}", "{options}", "script.ts"], CompileDisplay = "/usr/bin/tsc %s script.ts",
            Run = ["{node}", "script.js", "{args}"], RunDisplay = "/usr/bin/node script.js",
        },
        // R_HOME/etc is a link to /etc/R (Renviron, Rprofile.site).
        Interpreter(80, "R ({version})", ["/usr/bin/Rscript"], "script.r", ["--version"], readOnly: Existing("/etc/R")),
        new()
        {
            Id = 82, Name = "SQL (SQLite {version})", SourceFile = "script.sql",
            Tools = Tool("sqlite3", "/usr/bin/sqlite3"), VersionProbe = ("sqlite3", ["--version"]),
            Run = ["{sqlite3}", "db.sqlite", ".read script.sql"], RunDisplay = "/bin/cat script.sql | /usr/bin/sqlite3 db.sqlite",
        },
        Interpreter(85, "Perl ({version})", ["/usr/bin/perl"], "script.pl", ["-e", "print $^V"]),
    ];

    /// <summary>
    /// OTP 25's JIT first maps its code through a memfd it grows to 8 MB, which the file size
    /// rlimit (max_file_size) counts: with SIGXFSZ ignored the grow fails with EFBIG and the JIT
    /// maps its code once instead. The program's own files still stop at the limit (EFBIG).
    /// </summary>
    private static readonly string[] BeamStart = ["{env}", "--ignore-signal=XFSZ"];

    /// <summary>The BEAM starts one scheduler thread per core: fewer, so a big machine stays under the thread limit.</summary>
    private static readonly Dictionary<string, string> Beam = new()
    {
        ["ERL_FLAGS"] = "+S 2:2 +SDcpu 2:2 +SDio 2 +A 1",
    };

    /// <summary>Judge0's "<c>interpreter [flags] source</c>", the command-line arguments after the source.</summary>
    private static LanguageDefinition Interpreter(int id, string name, string[] paths, string source, string[] versionArgs,
        string[]? flags = null, Func<IReadOnlyList<string>>? readOnly = null) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = Tool("run", paths), VersionProbe = ("run", versionArgs),
        Run = ["{run}", .. flags ?? [], source, "{args}"], RunDisplay = string.Join(' ', [paths[0], .. flags ?? [], source]),
        Environment = NoEnv,
        ReadOnlyPaths = readOnly ?? (() => []),
    };
}
