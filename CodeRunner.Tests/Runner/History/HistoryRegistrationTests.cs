using CodeRunner.Runner.History;
using CodeRunner.Runner.History.Mongo;
using CodeRunner.Runner.History.Sqlite;
using CodeRunner.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace CodeRunner.Tests.Runner.History;

/// <summary>Which store AddHistoryStore picks from configuration, and that a started host has it ready to use.</summary>
public sealed class HistoryRegistrationTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static IHost Build(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)));
        builder.Services.AddHistoryStore(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Given_no_mongo_url_Then_the_sqlite_file_is_created_at_start_and_used()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coderunner-runner-{Guid.NewGuid():N}.db");
        try
        {
            using var host = Build(("Runner:Sqlite", path));

            await host.StartAsync(Ct);
            var store = host.Services.GetRequiredService<IHistoryStore>();
            await store.SaveSettingsAsync("key:ci", ClientSettings.Default, Ct);
            await host.StopAsync(Ct);

            Assert.IsType<SqliteHistoryStore>(store);
            Assert.True(File.Exists(path));
            Assert.Equal(ClientSettings.Default, await store.GetSettingsAsync("key:ci", Ct));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Theory]
    [InlineData("MONGO_URL")]
    [InlineData("Runner:Mongo")]
    public async Task Given_mongo_url_naming_a_database_Then_mongo_is_the_store_and_writes_land_in_that_database(string key)
    {
        var server = await MongoServer.Shared;
        var name = MongoServer.NewDatabaseName();
        using var host = Build((key, new MongoUrlBuilder(server.Url) { DatabaseName = name }.ToString()), ("Runner:MongoDatabase", "ignored"));

        await host.StartAsync(Ct);
        var store = host.Services.GetRequiredService<IHistoryStore>();
        await store.CreateApiKeyAsync(new ApiKeyRecord("ci", new string('a', 64), DateTimeOffset.UtcNow), Ct);
        await host.StopAsync(Ct);

        Assert.IsType<MongoHistoryStore>(store);
        Assert.Equal(1, await CountKeysAsync(server.Url, name));
    }

    [Fact]
    public async Task Given_mongo_url_without_a_database_Then_the_configured_database_name_is_used()
    {
        var server = await MongoServer.Shared;
        var name = MongoServer.NewDatabaseName();
        var url = new MongoUrlBuilder(server.Url) { DatabaseName = null }.ToString();
        using var host = Build(("MONGO_URL", url), ("Runner:MongoDatabase", name));

        await host.StartAsync(Ct);
        await host.Services.GetRequiredService<IHistoryStore>().CreateApiKeyAsync(new ApiKeyRecord("ci", new string('b', 64), DateTimeOffset.UtcNow), Ct);
        await host.StopAsync(Ct);

        Assert.Equal(1, await CountKeysAsync(server.Url, name));
    }

    [Fact]
    public void Given_runner_sqlite_file_same_as_the_judges_Then_registration_fails_naming_both_settings()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coderunner-{Guid.NewGuid():N}.db");

        var e = Assert.Throws<FormatException>(() => Build(("Runner:Sqlite", path), ("Storage:Sqlite", path)));

        Assert.StartsWith("Runner:Sqlite:", e.Message);
        Assert.Contains("Storage:Sqlite", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Given_malformed_mongo_url_Then_registration_fails_naming_the_key_but_not_the_password()
    {
        var e = Assert.Throws<FormatException>(() => Build(("MONGO_URL", "http://user:secret@127.0.0.1:1/db")));

        Assert.StartsWith("MONGO_URL:", e.Message);
        Assert.DoesNotContain("secret", e.ToString());
    }

    private static async Task<long> CountKeysAsync(string serverUrl, string database)
    {
        using var client = new MongoClient(serverUrl);
        return await client.GetDatabase(database).GetCollection<BsonDocument>("api_keys")
            .CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct);
    }
}
