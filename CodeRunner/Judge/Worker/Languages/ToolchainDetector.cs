using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace CodeRunner.Judge.Worker.Languages;

/// <summary>
/// Finds which languages this machine can run: every tool present (followed to its real file,
/// which must live under /usr because that is all the sandbox sees), and its version.
/// </summary>
internal sealed partial class ToolchainDetector(ILogger<ToolchainDetector> logger)
{
    // Some probes start a JVM or the BEAM: a few at a time, and each (tool, its change time,
    // arguments) once per process, so in-process restarts and test hosts do not pay again.
    private static readonly SemaphoreSlim Probing = new(Math.Max(2, Environment.ProcessorCount));
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Probed = new();

    public async Task<IReadOnlyList<RunnableLanguage>> DetectAsync(IEnumerable<LanguageDefinition> definitions, CancellationToken ct)
    {
        var found = await Task.WhenAll(definitions.Select(d => DetectAsync(d, ct)));
        var runnable = found.OfType<RunnableLanguage>().ToList();
        logger.LogInformation("Languages available on this worker: {Languages}", string.Join(", ", runnable.Select(l => $"{l.Info.Id} {l.Info.Name}")));
        return runnable;
    }

    private async Task<RunnableLanguage?> DetectAsync(LanguageDefinition definition, CancellationToken ct)
    {
        var tools = new Dictionary<string, string>();
        foreach (var (token, candidates) in definition.Tools)
        {
            var path = candidates.Where(c => c.Length > 0).Select(c => Locate(c, definition.KeepLinkNames)).FirstOrDefault(p => p is not null);
            if (path is null)
            {
                return null;
            }
            tools[token] = path;
        }
        // Null: the language has no version to show (Plain Text); empty: its toolchain showed none.
        var version = definition.VersionFromPathOf is { } named ? VersionPattern().Match(Path.GetFileName(tools[named])).Value
            : definition.VersionFromManifestOf is { } jar ? JarVersion(tools[jar])
            : definition.VersionProbe is var (tool, args) ? await ProbeVersionAsync(tools[tool], args, definition.VersionPattern, ct)
            : null;
        if (version is "")
        {
            logger.LogWarning("Language {Id}: its toolchain is present but showed no version; skipped", definition.Id);
            return null;
        }
        var info = new Language(
            definition.Id,
            definition.Name.Replace("{version}", version ?? ""),
            IsArchived: false,
            definition.SourceFile,
            definition.CompileDisplay,
            definition.RunDisplay);
        return new RunnableLanguage(definition, info, tools, definition.ReadOnlyPaths());
    }

    private static string JarVersion(string jar)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(jar);
            using var reader = new StreamReader(zip.GetEntry("META-INF/MANIFEST.MF")?.Open() ?? Stream.Null);
            return reader.ReadToEnd().Split('\n').Select(l => l.Trim())
                .Where(l => l.StartsWith("Implementation-Version:", StringComparison.Ordinal))
                .Select(l => VersionPattern().Match(l).Value).FirstOrDefault() ?? "";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>
    /// A tool's path for argv: the real file behind it, or (a multi-call program acting by its name)
    /// the path itself when it lives in /usr; null when missing or outside /usr.
    /// </summary>
    private static string? Locate(string candidate, bool keepLinkName)
    {
        var real = Resolve(candidate);
        if (real is null || !keepLinkName)
        {
            return real;
        }
        return candidate.StartsWith("/usr/", StringComparison.Ordinal) ? candidate : null;
    }

    /// <summary>The real file behind a path, or null when missing or outside /usr.</summary>
    private static string? Resolve(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
            var target = info.LinkTarget is null ? info.FullName : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            return target is not null && target.StartsWith("/usr/", StringComparison.Ordinal) && File.Exists(target) ? target : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task<string> ProbeVersionAsync(string tool, string[] args, string? pattern, CancellationToken ct)
    {
        var key = $"{tool}\0{File.GetLastWriteTimeUtc(tool).Ticks}\0{string.Join('\0', args)}\0{pattern}";
        if (Probed.TryGetValue(key, out var known))
        {
            return known;
        }
        await Probing.WaitAsync(ct);
        try
        {
            var version = await RunProbeAsync(tool, args, pattern, ct);
            if (version.Length > 0)
            {
                Probed[key] = version;
            }
            return version;
        }
        finally
        {
            Probing.Release();
        }
    }

    private async Task<string> RunProbeAsync(string tool, string[] args, string? pattern, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            var result = await Cli.Wrap(tool)
                .WithArguments(args)
                .WithValidation(CommandResultValidation.None)
                .WithEnvironmentVariables(e => e.Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1").Set("DOTNET_NOLOGO", "1"))
                .ExecuteBufferedAsync(timeout.Token);
            var output = result.StandardOutput + "\n" + result.StandardError;
            return pattern is null ? VersionPattern().Match(output).Value : Regex.Match(output, pattern).Groups[1].Value;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Version probe {Tool} failed: {Error}", tool, e.Message);
            return "";
        }
    }

    [GeneratedRegex(@"\d+\.\d+(\.\d+)*")]
    private static partial Regex VersionPattern();
}
