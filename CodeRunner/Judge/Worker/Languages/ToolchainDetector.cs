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
            var path = candidates.Where(c => c.Length > 0).Select(Resolve).FirstOrDefault(p => p is not null);
            if (path is null)
            {
                return null;
            }
            tools[token] = path;
        }
        var version = "";
        if (definition.VersionProbe is var (tool, args))
        {
            version = await ProbeVersionAsync(tools[tool], args, ct);
            if (version.Length == 0)
            {
                logger.LogWarning("Language {Id}: {Tool} is present but printed no version; skipped", definition.Id, tools[tool]);
                return null;
            }
        }
        var info = new Language(
            definition.Id,
            definition.Name.Replace("{version}", version),
            IsArchived: false,
            definition.SourceFile,
            definition.CompileDisplay,
            definition.RunDisplay);
        return new RunnableLanguage(definition, info, tools, definition.ReadOnlyPaths());
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

    private async Task<string> ProbeVersionAsync(string tool, string[] args, CancellationToken ct)
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
            return VersionPattern().Match(result.StandardOutput + "\n" + result.StandardError).Value;
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
