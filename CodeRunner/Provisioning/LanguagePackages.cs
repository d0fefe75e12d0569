using System.Reflection;

namespace CodeRunner.Provisioning;

/// <summary>
/// scripts/lib/languages, embedded in the binary: the packages of each language's toolchain, the
/// same table scripts/install-deps reads, so a judge-worker Droplet installs what a developer's
/// machine does for the same <c>--languages</c>.
/// </summary>
internal static class LanguagePackages
{
    private sealed record Row(string Key, bool Default, string Ids, string[] Packages);

    /// <summary>What the sandbox itself needs, whatever the languages.</summary>
    private static readonly string[] Sandbox = ["bubblewrap", "util-linux", "tar", "coreutils"];

    private static readonly Lazy<IReadOnlyList<Row>> Table = new(Load);

    public static IReadOnlyList<string> Keys => Table.Value.Select(r => r.Key).ToList();

    /// <summary>"all", "default" or a comma list of keys: the problem with it, or null.</summary>
    public static string? Problem(string selection)
    {
        if (selection is "all" or "default")
        {
            return null;
        }
        var unknown = Split(selection).FirstOrDefault(k => !Keys.Contains(k));
        return Split(selection).Length == 0 ? "--languages: give all, default or a comma list of languages"
            : unknown is null ? null
            : $"--languages: unknown language '{unknown}' (known: all, default, {string.Join(", ", Keys)})";
    }

    /// <summary>The Debian/Ubuntu packages for a valid selection, sandbox first, each once.</summary>
    public static IReadOnlyList<string> For(string selection)
    {
        var keys = Split(selection);
        return Sandbox.Concat(Table.Value
                .Where(r => selection == "all" || (selection == "default" ? r.Default : keys.Contains(r.Key)))
                .SelectMany(r => r.Packages))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static string[] Split(string selection) => selection.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IReadOnlyList<Row> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("scripts/lib/languages")
            ?? throw new InvalidOperationException("scripts/lib/languages is not embedded in the binary");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n')
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 4 && !f[0].StartsWith('#'))
            .Select(f => new Row(f[0], f[1] == "yes", f[2], f[3..]))
            .ToList();
    }
}
