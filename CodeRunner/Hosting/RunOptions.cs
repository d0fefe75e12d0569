namespace CodeRunner.Hosting;

/// <summary>What the command line decided: which roles run, plus configuration overrides from flags.</summary>
public sealed record RunOptions(Roles Roles, IReadOnlyDictionary<string, string?> Settings)
{
    public static RunOptions For(Roles roles, params (string Key, string? Value)[] settings) =>
        new(roles, settings.ToDictionary(s => s.Key, s => s.Value));
}
