using CodeRunner.Storage.Sql;
using CodeRunner.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CodeRunner.Tests.Storage;

/// <summary>The store contract on the embedded engine, plus what only SQLite needs.</summary>
public sealed class SqliteSubmissionStoreTests : SubmissionStoreContract
{
    private readonly string directory = Directory.CreateTempSubdirectory("coderunner-store-").FullName;

    internal override Task<SqlDatabase> CreateFreshAsync() =>
        Task.FromResult<SqlDatabase>(new SqliteDatabase(Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db")));

    internal override SqlDatabase Reopen(SqlDatabase database)
    {
        SqliteConnection.ClearAllPools();
        return new SqliteDatabase(((SqliteDatabase)database).FilePath);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Given_migrations_Then_the_file_is_in_wal_mode()
    {
        await using var connection = await Database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
