using CodeRunner.Runner.History;
using CodeRunner.Runner.History.Sqlite;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CodeRunner.Tests.Runner.History;

/// <summary>The history contract on the embedded SQLite file, plus what only SQLite needs.</summary>
public sealed class SqliteHistoryStoreTests : HistoryStoreContract
{
    private readonly string directory = Directory.CreateTempSubdirectory("coderunner-history-").FullName;
    private HistorySqliteDatabase? last;

    protected override Task<IHistoryStore> CreateFreshAsync()
    {
        last = new HistorySqliteDatabase(Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db"));
        return Task.FromResult<IHistoryStore>(new SqliteHistoryStore(last, TimeProvider.System));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Given_two_stores_on_one_file_initializing_together_Then_the_schema_is_applied_once()
    {
        var path = Path.Combine(directory, "shared.db");
        var stores = Enumerable.Range(0, 4).Select(_ => new SqliteHistoryStore(new HistorySqliteDatabase(path), TimeProvider.System)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(Ct))));

        await using var connection = await new HistorySqliteDatabase(path).OpenAsync(Ct);
        Assert.Equal(["001_init.sql"], await connection.QueryAsync<string>("SELECT name FROM schema_version"));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Given_a_store_reopened_on_its_file_Then_what_it_saved_is_still_there()
    {
        var path = Path.Combine(directory, "reopen.db");
        var first = new SqliteHistoryStore(new HistorySqliteDatabase(path), TimeProvider.System);
        await first.InitializeAsync(Ct);
        await first.SaveSettingsAsync("key:ci", new ClientSettings(50, "light", 18, "vim"), Ct);
        SqliteConnection.ClearAllPools();

        var reopened = new SqliteHistoryStore(new HistorySqliteDatabase(path), TimeProvider.System);
        await reopened.InitializeAsync(Ct);

        Assert.Equal(new ClientSettings(50, "light", 18, "vim"), await reopened.GetSettingsAsync("key:ci", Ct));
    }
}
