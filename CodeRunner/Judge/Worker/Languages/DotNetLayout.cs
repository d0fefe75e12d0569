namespace CodeRunner.Judge.Worker.Languages;

/// <summary>Finds the pieces of an installed .NET SDK: its compilers, reference assemblies, runtime version.</summary>
internal static class DotNetLayout
{
    /// <summary>A file of the newest SDK under a .NET root (e.g. Roslyn/bincore/csc.dll), if it is there.</summary>
    public static string? SdkFile(string root, string relativePath) =>
        Newest(Path.Combine(root, "sdk")) is { } sdk && File.Exists(Path.Combine(sdk, relativePath))
            ? Path.Combine(sdk, relativePath)
            : null;

    public static IReadOnlyList<string> ReferenceAssemblies(string dotnet)
    {
        var packs = Path.Combine(Path.GetDirectoryName(dotnet)!, "packs", "Microsoft.NETCore.App.Ref");
        var version = Newest(packs);
        var refDir = version is null ? null : Directory.GetDirectories(Path.Combine(version, "ref")).OrderDescending().FirstOrDefault();
        return refDir is null ? [] : Directory.GetFiles(refDir, "*.dll").Order().ToList();
    }

    public static string? RuntimeVersion(string dotnet) =>
        Newest(Path.Combine(Path.GetDirectoryName(dotnet)!, "shared", "Microsoft.NETCore.App")) is { } dir ? Path.GetFileName(dir) : null;

    public static byte[] RuntimeConfig(string dotnet)
    {
        var version = RuntimeVersion(dotnet) ?? "10.0.0";
        var tfm = "net" + string.Join('.', version.Split('.').Take(2));
        var config = new
        {
            runtimeOptions = new
            {
                tfm,
                framework = new { name = "Microsoft.NETCore.App", version },
                configProperties = new Dictionary<string, object>
                {
                    ["System.GC.Concurrent"] = false,
                    ["System.Globalization.Invariant"] = true,
                },
            },
        };
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(config);
    }

    private static string? Newest(string dir) =>
        Directory.Exists(dir)
            ? Directory.GetDirectories(dir)
                .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null))
                .Where(d => d.Version is not null)
                .MaxBy(d => d.Version)
                .Dir
            : null;
}
