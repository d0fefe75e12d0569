namespace CodeRunner.Judge.Worker.Languages;

/// <summary>
/// C#, Visual Basic and F# with the .NET SDK's own compilers (Roslyn's csc and vbc, fsc), run on
/// the shared runtime; Judge0 used Mono and vbnc, and F# as a script through <c>dotnet fsi</c>,
/// which needs over 200 MB, so here the same script.fsx is compiled first and runs in ~30 MB.
/// </summary>
internal static class DotNetLanguages
{
    private static readonly string[] Roots = ["/usr/share/dotnet", "/usr/lib/dotnet"];

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["DOTNET_gcServer"] = "0",
        ["DOTNET_EnableDiagnostics"] = "0", ["DOTNET_TieredPGO"] = "0", ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    public static IEnumerable<LanguageDefinition> All =>
    [
        Roslyn(51, "C# (.NET {version})", "csc", "Main.cs", ["-nullable:disable"]),
        Roslyn(84, "Visual Basic.Net (.NET {version})", "vbc", "Main.vb", ["-nostdlib", "-vbruntime*"]),
        new()
        {
            Id = 87, Name = "F# (.NET SDK {version})", SourceFile = "script.fsx",
            Tools = new Dictionary<string, string[]>
            {
                ["dotnet"] = Roots.Select(r => r + "/dotnet").ToArray(),
                ["fsc"] = Roots.Select(r => DotNetLayout.SdkFile(r, "FSharp/fsc.dll") ?? "").ToArray(),
                ["fsharp_core"] = Roots.Select(r => DotNetLayout.SdkFile(r, "FSharp/FSharp.Core.dll") ?? "").ToArray(),
                ["sh"] = LanguageCatalog.Shell,
            },
            VersionProbe = ("dotnet", ["--list-sdks"]),
            // The program needs FSharp.Core beside it: copied in by the compile step, inside the box.
            Compile = ["{sh}", "-c",
                "dotnet=\"$1\" fsc=\"$2\" core=\"$3\"; shift 3; \"$dotnet\" \"$fsc\" --nologo --noframework --targetprofile:netcore \"-r:$core\" -o:Main.dll \"$@\" script.fsx && cp \"$core\" .",
                "sh", "{dotnet}", "{fsc}", "{fsharp_core}", "{refs}", "{options}"],
            CompileDisplay = "dotnet fsc %s script.fsx",
            Run = ["{dotnet}", "Main.dll", "{args}"], RunDisplay = "dotnet Main.dll",
            References = References,
            ExtraFiles = RuntimeConfig, Environment = Environment,
        },
    ];

    /// <summary>C# or VB: Roslyn's compiler (csc or vbc) from the SDK, then <c>dotnet Main.dll</c>.</summary>
    private static LanguageDefinition Roslyn(int id, string name, string compiler, string source, string[] flags) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = new Dictionary<string, string[]>
        {
            ["dotnet"] = Roots.Select(r => r + "/dotnet").ToArray(),
            [compiler] = Roots.Select(r => DotNetLayout.SdkFile(r, $"Roslyn/bincore/{compiler}.dll") ?? "").ToArray(),
        },
        VersionProbe = ("dotnet", ["--list-runtimes"]),
        Compile = ["{dotnet}", $"{{{compiler}}}", "-nologo", "-target:exe", .. flags, "-out:Main.dll", "{refs}", "{options}", source],
        CompileDisplay = $"{compiler} %s {source}",
        Run = ["{dotnet}", "Main.dll", "{args}"], RunDisplay = "dotnet Main.dll",
        References = References,
        ExtraFiles = RuntimeConfig, Environment = Environment,
    };

    private static IReadOnlyList<string> References(IReadOnlyDictionary<string, string> tools) =>
        DotNetLayout.ReferenceAssemblies(tools["dotnet"]).Select(r => "-r:" + r).ToList();

    private static IReadOnlyDictionary<string, byte[]> RuntimeConfig(IReadOnlyDictionary<string, string> tools) =>
        new Dictionary<string, byte[]> { ["Main.runtimeconfig.json"] = DotNetLayout.RuntimeConfig(tools["dotnet"]) };
}
