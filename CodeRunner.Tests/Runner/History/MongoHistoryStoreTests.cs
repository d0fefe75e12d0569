using CodeRunner.Runner.History;
using CodeRunner.Runner.History.Mongo;
using CodeRunner.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CodeRunner.Tests.Runner.History;

/// <summary>The history contract on a real MongoDB wire server (jongodb), a fresh database per store, plus its indexes.</summary>
public sealed class MongoHistoryStoreTests : HistoryStoreContract
{
    private readonly List<MongoClient> clients = [];
    private IMongoDatabase? database;

    protected override async Task<IHistoryStore> CreateFreshAsync()
    {
        var server = await MongoServer.Shared;
        var client = new MongoClient(server.Url);
        clients.Add(client);
        database = client.GetDatabase(MongoServer.NewDatabaseName());
        return new MongoHistoryStore(database, TimeProvider.System);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Given_initialized_store_Then_the_lookups_have_their_unique_indexes()
    {
        var names = new Dictionary<string, List<BsonDocument>>();
        foreach (var collection in new[] { "api_keys", "sessions", "submissions" })
        {
            names[collection] = await (await database!.GetCollection<BsonDocument>(collection).Indexes.ListAsync(Ct)).ToListAsync(Ct);
        }

        Assert.Contains(names["api_keys"], i => i["key"] == new BsonDocument("hash", 1) && i.GetValue("unique", false).ToBoolean());
        Assert.Contains(names["api_keys"], i => i["key"] == new BsonDocument("name", 1) && i.GetValue("unique", false).ToBoolean());
        Assert.Contains(names["sessions"], i => i["key"] == new BsonDocument("hash", 1) && i.GetValue("unique", false).ToBoolean());
        Assert.Contains(names["submissions"], i => i["key"] == new BsonDocument { { "owner", 1 }, { "token", 1 } } && i.GetValue("unique", false).ToBoolean());
        Assert.Contains(names["submissions"], i => i["key"] == new BsonDocument { { "owner", 1 }, { "created_at", -1 } });
    }

    [Fact]
    public async Task Given_settings_Then_they_are_one_document_per_owner_keyed_by_owner()
    {
        await Store.SaveSettingsAsync("key:ci", new ClientSettings(71, "light", 16, "vim"), Ct);
        await Store.SaveSettingsAsync("key:ci", new ClientSettings(72, "dark", 16, "vim"), Ct);

        var documents = await database!.GetCollection<BsonDocument>("settings").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct);

        var document = Assert.Single(documents);
        Assert.Equal("key:ci", document["_id"].AsString);
        Assert.Equal(72, document["language_id"].ToInt32());
    }
}
