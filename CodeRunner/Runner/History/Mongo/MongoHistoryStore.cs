using MongoDB.Bson;
using MongoDB.Driver;

namespace CodeRunner.Runner.History.Mongo;

/// <summary>
/// The history in MongoDB: collections api_keys, sessions, submissions and settings (owner as _id).
/// Written as plain BsonDocuments with inserts, $set and replace-upserts only, which real MongoDB
/// and the jongodb test server both support; timestamps are BSON dates (millisecond precision).
/// </summary>
internal sealed class MongoHistoryStore : IHistoryStore
{
    private readonly IMongoCollection<BsonDocument> apiKeys;
    private readonly IMongoCollection<BsonDocument> sessions;
    private readonly IMongoCollection<BsonDocument> submissions;
    private readonly IMongoCollection<BsonDocument> settings;
    private readonly TimeProvider time;
    private readonly InitializeOnce initialization;

    public MongoHistoryStore(IMongoDatabase database, TimeProvider time)
    {
        apiKeys = database.GetCollection<BsonDocument>("api_keys");
        sessions = database.GetCollection<BsonDocument>("sessions");
        submissions = database.GetCollection<BsonDocument>("submissions");
        settings = database.GetCollection<BsonDocument>("settings");
        this.time = time;
        initialization = new InitializeOnce(CreateIndexesAsync);
    }

    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    public Task InitializeAsync(CancellationToken ct) => initialization.EnsureAsync(ct);

    /// <summary>Creating an index that exists with the same options is a no-op, so any number of runners may do this at once.</summary>
    private async Task CreateIndexesAsync(CancellationToken ct)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        await apiKeys.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(keys.Ascending("hash"), new CreateIndexOptions { Name = "ux_hash", Unique = true }),
            new CreateIndexModel<BsonDocument>(keys.Ascending("name"), new CreateIndexOptions { Name = "ux_name", Unique = true }),
        ], ct);
        await sessions.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(keys.Ascending("hash"), new CreateIndexOptions { Name = "ux_hash", Unique = true }),
            // MongoDB deletes a session soon after it expires; queries also filter by expiry, since that takes up to a minute.
            new CreateIndexModel<BsonDocument>(keys.Ascending("expires_at"), new CreateIndexOptions { Name = "ttl_expires_at", ExpireAfter = TimeSpan.Zero }),
        ], ct);
        await submissions.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(keys.Ascending("owner").Descending("created_at"), new CreateIndexOptions { Name = "ix_owner_created_at" }),
            new CreateIndexModel<BsonDocument>(keys.Ascending("owner").Ascending("token"), new CreateIndexOptions { Name = "ux_owner_token", Unique = true }),
        ], ct);
    }

    public async Task<bool> CreateApiKeyAsync(ApiKeyRecord key, CancellationToken ct)
    {
        try
        {
            await apiKeys.InsertOneAsync(new BsonDocument
            {
                ["name"] = key.Name,
                ["hash"] = key.Hash,
                ["created_at"] = Date(key.CreatedAt),
                ["revoked_at"] = Date(key.RevokedAt),
            }, cancellationToken: ct);
            return true;
        }
        catch (Exception e) when (MongoDuplicateKey.Is(e))
        {
            // Only a taken name means "exists"; a taken hash (two equal random keys) is an error.
            if (await ExistsAsync(apiKeys, Filter.Eq("name", key.Name), ct))
            {
                return false;
            }
            throw;
        }
    }

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string hash, CancellationToken ct)
    {
        var document = await apiKeys.Find(Filter.Eq("hash", hash)).FirstOrDefaultAsync(ct);
        return document is null ? null : ApiKey(document);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct)
    {
        var documents = await apiKeys.Find(Filter.Empty).Sort(Builders<BsonDocument>.Sort.Ascending("name")).ToListAsync(ct);
        return documents.Select(ApiKey).ToList();
    }

    public async Task<bool> RevokeApiKeyAsync(string name, CancellationToken ct)
    {
        // A second revocation keeps the first time.
        var updated = await apiKeys.UpdateOneAsync(
            Filter.Eq("name", name) & Filter.Eq("revoked_at", BsonNull.Value),
            Builders<BsonDocument>.Update.Set("revoked_at", Date(time.GetUtcNow())), cancellationToken: ct);
        return updated.MatchedCount == 1 || await ExistsAsync(apiKeys, Filter.Eq("name", name), ct);
    }

    public Task CreateSessionAsync(SessionRecord session, CancellationToken ct) =>
        sessions.InsertOneAsync(new BsonDocument
        {
            ["_id"] = session.Id,
            ["hash"] = session.Hash,
            ["created_at"] = Date(session.CreatedAt),
            ["expires_at"] = Date(session.ExpiresAt),
        }, cancellationToken: ct);

    public async Task<SessionRecord?> FindSessionAsync(string hash, CancellationToken ct)
    {
        var document = await sessions
            .Find(Filter.Eq("hash", hash) & Filter.Gt("expires_at", Date(time.GetUtcNow())))
            .FirstOrDefaultAsync(ct);
        return document is null
            ? null
            : new SessionRecord(document["_id"].AsString, document["hash"].AsString, Time(document["created_at"]), Time(document["expires_at"]));
    }

    public async Task AddSubmissionAsync(HistoryEntry entry, CancellationToken ct)
    {
        var document = new BsonDocument
        {
            ["owner"] = entry.Owner,
            ["token"] = entry.Token,
            ["language_id"] = entry.LanguageId,
            ["source_code"] = Text(entry.SourceCode),
            ["stdin"] = Text(entry.Stdin),
            ["created_at"] = Date(entry.CreatedAt),
        };
        document.AddRange(Result(entry.Result));
        try
        {
            await submissions.InsertOneAsync(document, cancellationToken: ct);
        }
        // The same token twice for one owner (a retried call) stays one entry.
        catch (Exception e) when (MongoDuplicateKey.Is(e))
        {
        }
    }

    public Task UpdateResultAsync(string owner, string token, ResultSummary result, CancellationToken ct)
    {
        var update = Builders<BsonDocument>.Update.Combine(
            Result(result).Select(field => Builders<BsonDocument>.Update.Set(field.Name, field.Value)));
        return submissions.UpdateOneAsync(Filter.Eq("owner", owner) & Filter.Eq("token", token), update, cancellationToken: ct);
    }

    public async Task<IReadOnlySet<string>> OwnedTokensAsync(string owner, IReadOnlyCollection<string> tokens, CancellationToken ct)
    {
        if (tokens.Count == 0)
        {
            return new HashSet<string>();
        }
        // The projection spares real MongoDB sending source code; a server that ignores it still answers correctly.
        var documents = await submissions
            .Find(Filter.Eq("owner", owner) & Filter.In("token", tokens.Distinct()))
            .Project(Builders<BsonDocument>.Projection.Include("token"))
            .ToListAsync(ct);
        return documents.Select(d => d["token"].AsString).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<HistoryPage> ListAsync(string owner, int page, int perPage, CancellationToken ct)
    {
        HistoryPaging.Check(page, perPage);
        var mine = Filter.Eq("owner", owner);
        var total = await submissions.CountDocumentsAsync(mine, cancellationToken: ct);
        var offset = HistoryPaging.Offset(page, perPage);
        if (offset >= total)
        {
            return new HistoryPage([], total);
        }
        var documents = await submissions.Find(mine)
            .Sort(Builders<BsonDocument>.Sort.Descending("created_at").Descending("_id"))
            .Skip((int)offset)
            .Limit(perPage)
            .ToListAsync(ct);
        return new HistoryPage(documents.Select(Entry).ToList(), total);
    }

    public async Task<ClientSettings?> GetSettingsAsync(string owner, CancellationToken ct)
    {
        var document = await settings.Find(Filter.Eq("_id", owner)).FirstOrDefaultAsync(ct);
        return document is null
            ? null
            : new ClientSettings(NullableInt(document["language_id"]), document["theme"].AsString, document["font_size"].ToInt32(), document["key_map"].AsString);
    }

    public async Task SaveSettingsAsync(string owner, ClientSettings value, CancellationToken ct)
    {
        var document = new BsonDocument
        {
            ["_id"] = owner,
            ["language_id"] = value.LanguageId is { } language ? language : BsonNull.Value,
            ["theme"] = value.Theme,
            ["font_size"] = value.FontSize,
            ["key_map"] = value.KeyMap,
            ["updated_at"] = Date(time.GetUtcNow()),
        };
        var upsert = new ReplaceOptions { IsUpsert = true };
        try
        {
            await settings.ReplaceOneAsync(Filter.Eq("_id", owner), document, upsert, ct);
        }
        // Two first saves racing: both upserts try to insert; the loser's replace now finds the document.
        catch (Exception e) when (MongoDuplicateKey.Is(e))
        {
            await settings.ReplaceOneAsync(Filter.Eq("_id", owner), document, upsert, ct);
        }
    }

    private static async Task<bool> ExistsAsync(IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter, CancellationToken ct) =>
        await collection.Find(filter).Limit(1).AnyAsync(ct);

    private static IEnumerable<BsonElement> Result(ResultSummary? result) =>
    [
        new("status_id", result is null ? BsonNull.Value : result.StatusId),
        new("status_description", Text(result?.StatusDescription)),
        new("time", Text(result?.Time)),
        new("memory", result?.Memory is { } memory ? memory : BsonNull.Value),
        new("finished_at", Date(result?.FinishedAt)),
    ];

    private static HistoryEntry Entry(BsonDocument d) => new(
        d["owner"].AsString,
        d["token"].AsString,
        d["language_id"].ToInt32(),
        NullableString(d["source_code"]),
        NullableString(d["stdin"]),
        Time(d["created_at"]),
        NullableInt(d.GetValue("status_id", BsonNull.Value)) is { } status
            ? new ResultSummary(
                status,
                NullableString(d.GetValue("status_description", BsonNull.Value)) ?? "",
                NullableString(d.GetValue("time", BsonNull.Value)),
                d.GetValue("memory", BsonNull.Value) is { IsBsonNull: false } memory ? memory.ToInt64() : null,
                NullableTime(d.GetValue("finished_at", BsonNull.Value)))
            : null);

    private static ApiKeyRecord ApiKey(BsonDocument d) =>
        new(d["name"].AsString, d["hash"].AsString, Time(d["created_at"]), NullableTime(d.GetValue("revoked_at", BsonNull.Value)));

    private static BsonValue Date(DateTimeOffset? value) =>
        value is { } v ? new BsonDateTime(v.UtcDateTime) : BsonNull.Value;

    private static BsonValue Text(string? value) => value is null ? BsonNull.Value : new BsonString(value);

    private static DateTimeOffset Time(BsonValue value) => new(value.ToUniversalTime(), TimeSpan.Zero);

    private static DateTimeOffset? NullableTime(BsonValue value) => value.IsBsonNull ? null : Time(value);

    private static string? NullableString(BsonValue value) => value.IsBsonNull ? null : value.AsString;

    private static int? NullableInt(BsonValue value) => value.IsBsonNull ? null : value.ToInt32();
}
