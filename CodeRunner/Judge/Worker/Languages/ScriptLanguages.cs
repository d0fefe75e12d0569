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
        new()
        {
            Id = 46, Name = "Bash ({version})", SourceFile = "script.sh",
            Tools = Tool("bash", "/usr/bin/bash", "/bin/bash"), VersionProbe = ("bash", ["--version"]),
            Run = ["{bash}", "script.sh", "{args}"], RunDisplay = "/bin/bash script.sh",
        },
        new()
        {
            Id = 55, Name = "Common Lisp (SBCL {version})", SourceFile = "script.lisp",
            Tools = Tool("sbcl", "/usr/bin/sbcl"), VersionProbe = ("sbcl", ["--version"]),
            Run = ["{sbcl}", "--script", "script.lisp", "{args}"], RunDisplay = "/usr/bin/sbcl --script script.lisp",
        },
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
        new()
        {
            Id = 63, Name = "JavaScript (Node.js {version})", SourceFile = "script.js",
            Tools = Tool("node", "/usr/bin/node", "/usr/bin/nodejs"), VersionProbe = ("node", ["--version"]),
            Run = ["{node}", "script.js", "{args}"], RunDisplay = "/usr/bin/node script.js",
        },
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
        new()
        {
            Id = 66, Name = "Octave ({version})", SourceFile = "script.m",
            Tools = Tool("octave", "/usr/bin/octave-cli"), VersionProbe = ("octave", ["--version"]),
            Run = ["{octave}", "-q", "--no-gui", "--no-history", "script.m", "{args}"], RunDisplay = "/usr/bin/octave-cli -q --no-gui --no-history script.m",
            ReadOnlyPaths = Existing("/etc/octaverc"),
        },
        Interpreter(68, "PHP ({version})", "php", ["/usr/bin/php"], "script.php", ["--version"], Existing("/etc/php")),
        Interpreter(70, "Python ({version})", "python2", ["/usr/bin/python2", "/usr/bin/python2.7"], "script.py", ["--version"]),
        Interpreter(71, "Python ({version})", "python3", ["/usr/bin/python3"], "script.py", ["--version"]),
        Interpreter(72, "Ruby ({version})", "ruby", ["/usr/bin/ruby"], "script.rb", ["--version"]),
        new()
        {
            Id = 74, Name = "TypeScript ({version})", SourceFile = "script.ts",
            Tools = new Dictionary<string, string[]> { ["node"] = ["/usr/bin/node", "/usr/bin/nodejs"], ["tsc"] = ["/usr/bin/tsc"] },
            VersionProbe = ("tsc", ["--version"]),
            Compile = ["{node}", "{tsc}", "{options}", "script.ts"], CompileDisplay = "/usr/bin/tsc %s script.ts",
            Run = ["{node}", "script.js", "{args}"], RunDisplay = "/usr/bin/node script.js",
        },
        new()
        {
            Id = 80, Name = "R ({version})", SourceFile = "script.r",
            Tools = Tool("rscript", "/usr/bin/Rscript"), VersionProbe = ("rscript", ["--version"]),
            Run = ["{rscript}", "script.r", "{args}"], RunDisplay = "/usr/bin/Rscript script.r",
            // R_HOME/etc is a link to /etc/R (Renviron, Rprofile.site).
            ReadOnlyPaths = Existing("/etc/R"),
        },
        new()
        {
            Id = 82, Name = "SQL (SQLite {version})", SourceFile = "script.sql",
            Tools = Tool("sqlite3", "/usr/bin/sqlite3"), VersionProbe = ("sqlite3", ["--version"]),
            Run = ["{sqlite3}", "db.sqlite", ".read script.sql"], RunDisplay = "/bin/cat script.sql | /usr/bin/sqlite3 db.sqlite",
        },
        Interpreter(85, "Perl ({version})", "perl", ["/usr/bin/perl"], "script.pl", ["-e", "print $^V"]),
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

    private static LanguageDefinition Interpreter(int id, string name, string token, string[] paths, string source, string[] versionArgs,
        Func<IReadOnlyList<string>>? readOnly = null) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = Tool(token, paths), VersionProbe = (token, versionArgs),
        Run = [$"{{{token}}}", source, "{args}"], RunDisplay = $"{paths[0]} {source}",
        Environment = NoEnv,
        ReadOnlyPaths = readOnly ?? (() => []),
    };
}
