namespace CodeRunner.Runner.History;

/// <summary>
/// What the runner remembers: API keys (hashes only), browser sessions (hashes only), every
/// submission a caller made with its result summary, and per-caller client settings.
/// MongoDB when MONGO_URL is set, SQLite otherwise. An owner is "key:&lt;name&gt;" or "session:&lt;id&gt;".
/// Timestamps read back in UTC, exact to the millisecond (MongoDB's precision).
/// </summary>
public interface IHistoryStore
{
    /// <summary>Creates the collections/tables and indexes it needs. Safe to call more than once and concurrently.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>False when a key with the same name already exists.</summary>
    Task<bool> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken ct);

    /// <summary>The key with that hash, revoked ones included (with <see cref="ApiKeyRecord.RevokedAt"/> set): the caller refuses those.</summary>
    Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken ct);

    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct);

    /// <summary>False when no key has that name; revoking a revoked key keeps its first revocation time.</summary>
    Task<bool> RevokeApiKeyAsync(string name, CancellationToken ct);

    Task CreateSessionAsync(SessionRecord session, CancellationToken ct);

    /// <summary>The session with that hash; null when unknown or expired.</summary>
    Task<SessionRecord?> FindSessionAsync(string hash, CancellationToken ct);

    /// <summary>Adding a token the owner already has is a no-op (a retried call stays one entry).</summary>

    Task AddSubmissionAsync(HistoryEntry entry, CancellationToken ct);

    /// <summary>Records a finished (or progressed) result for one of the owner's submissions; no-op for others' tokens.</summary>
    Task UpdateResultAsync(string owner, string token, ResultSummary result, CancellationToken ct);

    /// <summary>The subset of <paramref name="tokens"/> that belong to <paramref name="owner"/>.</summary>
    Task<IReadOnlySet<string>> OwnedTokensAsync(string owner, IReadOnlyCollection<string> tokens, CancellationToken ct);

    /// <summary>The owner's submissions, newest first; page and perPage are at least 1 (else ArgumentOutOfRangeException).</summary>
    Task<HistoryPage> ListAsync(string owner, int page, int perPage, CancellationToken ct);

    /// <summary>Null when the owner never saved any (the caller answers <see cref="ClientSettings.Default"/>).</summary>
    Task<ClientSettings?> GetSettingsAsync(string owner, CancellationToken ct);

    Task SaveSettingsAsync(string owner, ClientSettings settings, CancellationToken ct);
}

/// <summary>An API key: <paramref name="Hash"/> is the lowercase hex SHA-256 of the key; the key itself is never stored.</summary>
public sealed record ApiKeyRecord(string Name, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt = null);

/// <summary>A browser session; <paramref name="Hash"/> is the lowercase hex SHA-256 of the session token.</summary>
public sealed record SessionRecord(string Id, string Hash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>One submission a caller made, with the latest result the runner saw.</summary>
public sealed record HistoryEntry(
    string Owner,
    string Token,
    int LanguageId,
    string? SourceCode,
    string? Stdin,
    DateTimeOffset CreatedAt,
    ResultSummary? Result = null);

/// <summary>The parts of a Judge0 result worth remembering.</summary>
public sealed record ResultSummary(int StatusId, string StatusDescription, string? Time, long? Memory, DateTimeOffset? FinishedAt);

public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Items, long Total);

/// <summary>Per-caller client settings (what the web IDE restores).</summary>
public sealed record ClientSettings(int? LanguageId, string Theme, int FontSize, string KeyMap)
{
    public static ClientSettings Default { get; } = new(null, "dark", 14, "default");
}
