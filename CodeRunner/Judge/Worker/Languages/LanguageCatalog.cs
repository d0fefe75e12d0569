namespace CodeRunner.Judge.Worker.Languages;

/// <summary>
/// Every language this worker knows, with Judge0 CE 1.13.1 ids. Only those whose toolchain is
/// installed become runnable; the name carries the real version found on this machine.
/// </summary>
internal static class LanguageCatalog
{
    private static readonly Dictionary<string, string> NoEnv = new();

    public static readonly IReadOnlyList<LanguageDefinition> All =
    [
        new()
        {
            Id = 43, Name = "Plain Text", SourceFile = "text.txt",
            Tools = Tool("cat", "/usr/bin/cat"),
            Run = ["{cat}", "text.txt"], RunDisplay = "/bin/cat text.txt",
        },
        new()
        {
            Id = 44, Name = "Executable", SourceFile = "a.out", SourceIsExecutable = true,
            Run = ["./a.out", "{args}"], RunDisplay = "/bin/chmod +x a.out && ./a.out",
        },
        new()
        {
            Id = 46, Name = "Bash ({version})", SourceFile = "script.sh",
            Tools = Tool("bash", "/usr/bin/bash", "/bin/bash"), VersionProbe = ("bash", ["--version"]),
            Run = ["{bash}", "script.sh", "{args}"], RunDisplay = "/bin/bash script.sh",
        },
        Gcc(50, "C (GCC {version})", "gcc", "main.c"),
        Gcc(54, "C++ (GCC {version})", "g++", "main.cpp"),
        Clang(75, "C (Clang {version})", "clang", "main.c"),
        Clang(76, "C++ (Clang {version})", "clang++", "main.cpp"),
        CSharp(),
        new()
        {
            Id = 60, Name = "Go ({version})", SourceFile = "main.go",
            Tools = Tool("go", "/usr/bin/go", "/usr/lib/go/bin/go"), VersionProbe = ("go", ["version"]),
            Compile = ["{go}", "build", "{options}", "-o", "main", "main.go"], CompileDisplay = "go build %s main.go",
            Run = ["./main", "{args}"], RunDisplay = "./main",
            Environment = new Dictionary<string, string>
            {
                ["GOCACHE"] = "/tmp/.cache/go-build", ["GOPATH"] = "/tmp/go", ["GO111MODULE"] = "off", ["CGO_ENABLED"] = "0",
            },
        },
        Java(),
        new()
        {
            Id = 63, Name = "JavaScript (Node.js {version})", SourceFile = "script.js",
            Tools = Tool("node", "/usr/bin/node", "/usr/bin/nodejs"), VersionProbe = ("node", ["--version"]),
            Run = ["{node}", "script.js", "{args}"], RunDisplay = "node script.js",
        },
        Interpreter(68, "PHP ({version})", "php", ["/usr/bin/php"], "script.php", ["--version"]),
        Interpreter(70, "Python ({version})", "python2", ["/usr/bin/python2", "/usr/bin/python2.7"], "script.py", ["--version"]),
        Interpreter(71, "Python ({version})", "python3", ["/usr/bin/python3"], "script.py", ["--version"]),
        Interpreter(72, "Ruby ({version})", "ruby", ["/usr/bin/ruby"], "script.rb", ["--version"]),
        new()
        {
            Id = 73, Name = "Rust ({version})", SourceFile = "main.rs",
            Tools = Tool("rustc", "/usr/bin/rustc"), VersionProbe = ("rustc", ["--version"]),
            Compile = ["{rustc}", "{options}", "main.rs"], CompileDisplay = "rustc %s main.rs",
            Run = ["./main", "{args}"], RunDisplay = "./main",
        },
        new()
        {
            Id = 82, Name = "SQL (SQLite {version})", SourceFile = "script.sql",
            Tools = Tool("sqlite3", "/usr/bin/sqlite3"), VersionProbe = ("sqlite3", ["--version"]),
            Run = ["{sqlite3}", "db.sqlite", ".read script.sql"], RunDisplay = "/bin/cat script.sql | /usr/bin/sqlite3 db.sqlite",
        },
        Interpreter(85, "Perl ({version})", "perl", ["/usr/bin/perl"], "script.pl", ["-e", "print $^V"]),
        new()
        {
            Id = 89, Name = "Multi-file program", SourceFile = "", IsMultiFile = true,
            Tools = Tool("bash", "/usr/bin/bash", "/bin/bash"),
            Compile = ["{bash}", "compile"], Run = ["{bash}", "run", "{args}"], RunDisplay = "/bin/bash run",
        },
    ];

    private static Dictionary<string, string[]> Tool(string token, params string[] candidates) => new() { [token] = candidates };

    private static LanguageDefinition Gcc(int id, string name, string compiler, string source) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = Tool("cc", $"/usr/bin/{compiler}"), VersionProbe = ("cc", ["-dumpfullversion"]),
        Compile = ["{cc}", "{options}", source], CompileDisplay = $"/usr/bin/{compiler} %s {source}",
        Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
    };

    private static LanguageDefinition Clang(int id, string name, string compiler, string source) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = Tool("cc", $"/usr/bin/{compiler}"), VersionProbe = ("cc", ["--version"]),
        Compile = ["{cc}", "{options}", source], CompileDisplay = $"/usr/bin/{compiler} %s {source}",
        Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
    };

    private static LanguageDefinition Interpreter(int id, string name, string token, string[] paths, string source, string[] versionArgs) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = Tool(token, paths), VersionProbe = (token, versionArgs),
        Run = [$"{{{token}}}", source, "{args}"], RunDisplay = $"{paths[0]} {source}",
        Environment = NoEnv,
    };

    private static LanguageDefinition Java() => new()
    {
        Id = 62, Name = "Java (OpenJDK {version})", SourceFile = "Main.java",
        Tools = new Dictionary<string, string[]> { ["javac"] = ["/usr/bin/javac"], ["java"] = ["/usr/bin/java"] },
        VersionProbe = ("javac", ["-version"]),
        Compile = ["{javac}", "-J-XX:+UseSerialGC", "-J-Xshare:auto", "{options}", "Main.java"], CompileDisplay = "javac %s Main.java",
        Run = ["{java}", "-XX:+UseSerialGC", "-Xshare:auto", "Main", "{args}"], RunDisplay = "java Main",
        ReadOnlyPaths = () => Directory.Exists("/etc") ? Directory.GetDirectories("/etc", "java-*") : [],
    };

    /// <summary>C# with the .NET SDK's Roslyn compiler, run on the shared runtime (Judge0 used Mono).</summary>
    private static LanguageDefinition CSharp() => new()
    {
        Id = 51, Name = "C# (.NET {version})", SourceFile = "Main.cs",
        Tools = new Dictionary<string, string[]>
        {
            ["dotnet"] = ["/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet"],
            ["csc"] = [DotNetLayout.NewestCsc("/usr/share/dotnet") ?? "", DotNetLayout.NewestCsc("/usr/lib/dotnet") ?? ""],
        },
        VersionProbe = ("dotnet", ["--list-runtimes"]),
        Compile = ["{dotnet}", "{csc}", "-nologo", "-target:exe", "-nullable:disable", "-out:Main.dll", "{refs}", "{options}", "Main.cs"],
        CompileDisplay = "csc %s Main.cs",
        Run = ["{dotnet}", "Main.dll", "{args}"], RunDisplay = "dotnet Main.dll",
        References = tools => DotNetLayout.ReferenceAssemblies(tools["dotnet"]).Select(r => "-r:" + r).ToList(),
        ExtraFiles = tools => new Dictionary<string, byte[]> { ["Main.runtimeconfig.json"] = DotNetLayout.RuntimeConfig(tools["dotnet"]) },
        Environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["DOTNET_gcServer"] = "0",
            ["DOTNET_EnableDiagnostics"] = "0", ["DOTNET_TieredPGO"] = "0", ["DOTNET_EnableWriteXorExecute"] = "0",
        },
    };
}
