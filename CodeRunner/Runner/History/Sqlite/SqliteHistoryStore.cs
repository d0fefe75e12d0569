using CodeRunner.Storage.Sql;
using Dapper;

namespace CodeRunner.Runner.History.Sqlite;

/// <summary>The embedded history store: one SQLite file through Dapper, schema by the shared migrator.</summary>
internal sealed class SqliteHistoryStore : IHistoryStore
{
    private const string SubmissionColumns = """
        owner, token, language_id, source_code, stdin, created_at, status_id, status_description, time, memory, finished_at
        """;

    private readonly HistorySqliteDatabase database;
    private readonly TimeProvider time;
    private readonly InitializeOnce initialization;

    public SqliteHistoryStore(HistorySqliteDatabase database, TimeProvider time)
    {
        DapperSetup.Ensure();
        this.database = database;
        this.time = time;
        initialization = new InitializeOnce(ct => Migrator.MigrateAsync(database, ct));
    }

    public Task InitializeAsync(CancellationToken ct) => initialization.EnsureAsync(ct);

    public async Task<bool> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // Only a taken name means "exists"; a taken hash (two equal random keys) is an error.
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (name, hash, created_at, revoked_at) VALUES (@Name, @Hash, @CreatedAt, @RevokedAt)
            ON CONFLICT (name) DO NOTHING
            """, key, cancellationToken: ct));
        return inserted == 1;
    }

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT name, hash, created_at, revoked_at FROM api_keys WHERE hash = @hash", new { hash }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT name, hash, created_at, revoked_at FROM api_keys ORDER BY name", cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<bool> RevokeApiKeyAsync(string name, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // A second revocation keeps the first time.
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @now) WHERE name = @name",
            new { name, now = time.GetUtcNow() }, cancellationToken: ct));
        return updated == 1;
    }

    public async Task CreateSessionAsync(SessionRecord session, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Expired sessions are useless; sweeping them here keeps the table to the live ones.
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sessions WHERE expires_at <= @now", new { now = time.GetUtcNow() }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sessions (id, hash, created_at, expires_at) VALUES (@Id, @Hash, @CreatedAt, @ExpiresAt)",
            session, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }

    public async Task<SessionRecord?> FindSessionAsync(string hash, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            "SELECT id, hash, created_at, expires_at FROM sessions WHERE hash = @hash AND expires_at > @now",
            new { hash, now = time.GetUtcNow() }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task AddSubmissionAsync(HistoryEntry entry, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // The same token twice for one owner (a retried call) stays one entry.
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO submissions ({SubmissionColumns})
            VALUES (@Owner, @Token, @LanguageId, @SourceCode, @Stdin, @CreatedAt, @StatusId, @StatusDescription, @Time, @Memory, @FinishedAt)
            ON CONFLICT (owner, token) DO NOTHING
            """,
            new
            {
                entry.Owner,
                entry.Token,
                entry.LanguageId,
                entry.SourceCode,
                entry.Stdin,
                entry.CreatedAt,
                entry.Result?.StatusId,
                entry.Result?.StatusDescription,
                entry.Result?.Time,
                entry.Result?.Memory,
                entry.Result?.FinishedAt,
            }, cancellationToken: ct));
    }

    public async Task UpdateResultAsync(string owner, string token, ResultSummary result, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE submissions
            SET status_id = @StatusId, status_description = @StatusDescription, time = @Time, memory = @Memory, finished_at = @FinishedAt
            WHERE owner = @owner AND token = @token
            """,
            new { owner, token, result.StatusId, result.StatusDescription, result.Time, result.Memory, result.FinishedAt },
            cancellationToken: ct));
    }

    public async Task<IReadOnlySet<string>> OwnedTokensAsync(string owner, IReadOnlyCollection<string> tokens, CancellationToken ct)
    {
        if (tokens.Count == 0)
        {
            return new HashSet<string>();
        }
        await using var connection = await database.OpenAsync(ct);
        var owned = await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT token FROM submissions WHERE owner = @owner AND {database.InList("token", "@tokens")}",
            new { owner, tokens = tokens.Distinct().ToArray() }, cancellationToken: ct));
        return owned.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<HistoryPage> ListAsync(string owner, int page, int perPage, CancellationToken ct)
    {
        HistoryPaging.Check(page, perPage);
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM submissions WHERE owner = @owner", new { owner }, transaction, cancellationToken: ct));
        var rows = await connection.QueryAsync<SubmissionRow>(new CommandDefinition(
            $"""
            SELECT {SubmissionColumns} FROM submissions WHERE owner = @owner
            ORDER BY created_at DESC, id DESC LIMIT @perPage OFFSET @offset
            """,
            new { owner, perPage, offset = HistoryPaging.Offset(page, perPage) }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return new HistoryPage(rows.Select(r => r.ToEntry()).ToList(), total);
    }

    public async Task<ClientSettings?> GetSettingsAsync(string owner, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<SettingsRow>(new CommandDefinition(
            "SELECT language_id, theme, font_size, key_map FROM settings WHERE owner = @owner", new { owner }, cancellationToken: ct));
        return row is null ? null : new ClientSettings(row.LanguageId, row.Theme, row.FontSize, row.KeyMap);
    }

    public async Task SaveSettingsAsync(string owner, ClientSettings settings, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO settings (owner, language_id, theme, font_size, key_map, updated_at)
            VALUES (@owner, @LanguageId, @Theme, @FontSize, @KeyMap, @now)
            ON CONFLICT (owner) DO UPDATE SET
                language_id = excluded.language_id, theme = excluded.theme, font_size = excluded.font_size,
                key_map = excluded.key_map, updated_at = excluded.updated_at
            """,
            new { owner, settings.LanguageId, settings.Theme, settings.FontSize, settings.KeyMap, now = time.GetUtcNow() },
            cancellationToken: ct));
    }

    private sealed class ApiKeyRow
    {
        public string Name { get; set; } = "";
        public string Hash { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? RevokedAt { get; set; }

        public ApiKeyRecord ToRecord() => new(Name, Hash, CreatedAt, RevokedAt);
    }

    private sealed class SessionRow
    {
        public string Id { get; set; } = "";
        public string Hash { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }

        public SessionRecord ToRecord() => new(Id, Hash, CreatedAt, ExpiresAt);
    }

    private sealed class SubmissionRow
    {
        public string Owner { get; set; } = "";
        public string Token { get; set; } = "";
        public int LanguageId { get; set; }
        public string? SourceCode { get; set; }
        public string? Stdin { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public int? StatusId { get; set; }
        public string? StatusDescription { get; set; }
        public string? Time { get; set; }
        public long? Memory { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }

        public HistoryEntry ToEntry() => new(Owner, Token, LanguageId, SourceCode, Stdin, CreatedAt,
            StatusId is { } status ? new ResultSummary(status, StatusDescription ?? "", Time, Memory, FinishedAt) : null);
    }

    private sealed class SettingsRow
    {
        public int? LanguageId { get; set; }
        public string Theme { get; set; } = "";
        public int FontSize { get; set; }
        public string KeyMap { get; set; } = "";
    }
}
