using System.Globalization;
using System.Text.RegularExpressions;
using CodeRunner.Hosting;
using CodeRunner.Runner.Auth;
using CodeRunner.Runner.History;

namespace CodeRunner.Runner.Keys;

/// <summary>
/// <c>coderunner keys create|list|revoke</c>: API keys in the runner's store (the same
/// configuration the runner reads: MONGO_URL, or the SQLite file Runner:Sqlite). A new key is
/// printed once, alone on stdout; only its SHA-256 is stored.
/// </summary>
internal static partial class KeysCommand
{
    public const int Failed = 1;

    public enum Action
    {
        Create,
        List,
        Revoke,
    }

    public static async Task<int> RunAsync(
        Action action, string? name, IReadOnlyDictionary<string, string?> settings, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (action != Action.List && (name is null || !KeyName().IsMatch(name)))
        {
            await error.WriteLineAsync("coderunner: --name must be 1-64 letters, digits, '.', '_' or '-'");
            return CommandLine.UsageError;
        }
        var configuration = HostingModule.CreateBuilder(new RunOptions(Roles.None, settings)).Configuration;
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddHistoryStore(configuration);
        await using var provider = services.BuildServiceProvider();
        try
        {
            var store = provider.GetRequiredService<IHistoryStore>();
            await store.InitializeAsync(ct);
            return action switch
            {
                Action.Create => await CreateAsync(store, name!, output, error, ct),
                Action.Revoke => await RevokeAsync(store, name!, error, ct),
                _ => await ListAsync(store, output, ct),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"coderunner: keys {action.ToString().ToLowerInvariant()} failed: {e.Message.Split('\n', 2)[0].Trim()}");
            return Failed;
        }
    }

    private static async Task<int> CreateAsync(IHistoryStore store, string name, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var key = Secrets.NewApiKey();
        if (!await store.CreateApiKeyAsync(new ApiKeyRecord(name, Secrets.Hash(key), DateTimeOffset.UtcNow), ct))
        {
            await error.WriteLineAsync($"coderunner: a key named '{name}' already exists");
            return Failed;
        }
        await output.WriteLineAsync(key);
        await error.WriteLineAsync($"created API key '{name}'; it is shown only this once (send it as X-Api-Key)");
        return 0;
    }

    private static async Task<int> RevokeAsync(IHistoryStore store, string name, TextWriter error, CancellationToken ct)
    {
        if (!await store.RevokeApiKeyAsync(name, ct))
        {
            await error.WriteLineAsync($"coderunner: no key named '{name}'");
            return Failed;
        }
        await error.WriteLineAsync($"revoked API key '{name}'");
        return 0;
    }

    private static async Task<int> ListAsync(IHistoryStore store, TextWriter output, CancellationToken ct)
    {
        foreach (var key in await store.ListApiKeysAsync(ct))
        {
            var state = key.RevokedAt is { } at ? "revoked " + Iso(at) : "active";
            await output.WriteLineAsync($"{key.Name}\t{Iso(key.CreatedAt)}\t{state}");
        }
        return 0;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyName();
}
