using CodeRunner.Hosting;
using CodeRunner.Storage.Sql;
using CodeRunner.Tests.Support;
using Dapper;
using Npgsql;

namespace CodeRunner.Tests.Storage;

/// <summary><c>coderunner migrate</c> through the real command line, against a fresh database.</summary>
public sealed class MigrateCommandTests
{
    private const int NotRun = 99;

    private static Task<int> InvokeAsync(params string[] args) =>
        CommandLine.InvokeAsync(args, (_, _) => Task.FromResult(NotRun));

    private static async Task<List<(long Version, string Name)>> SchemaVersionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.QueryAsync<(long, string)>("SELECT version, name FROM schema_version ORDER BY version")).ToList();
    }

    [Fact]
    public async Task Given_postgres_url_Then_migrate_applies_every_migration_exits_0_and_a_second_run_applies_nothing()
    {
        var connectionString = await (await PostgresServer.Shared).CreateDatabaseAsync();
        var url = PostgresServer.ToUrl(connectionString);
        var expected = Migrator.Embedded("Storage/Postgres/Migrations/").Select(m => (m.Version, m.Name)).ToList();

        Assert.Equal(0, await InvokeAsync("migrate", "--set", $"POSTGRES_URL={url}"));
        Assert.Equal(expected, await SchemaVersionsAsync(connectionString));

        Assert.Equal(0, await InvokeAsync("migrate", "--set", $"Storage:Postgres={connectionString}"));
        Assert.Equal(expected, await SchemaVersionsAsync(connectionString));
    }

    [Fact]
    public async Task Given_no_database_configured_Then_migrate_exits_with_usage_error()
    {
        Assert.Equal(CommandLine.UsageError, await InvokeAsync("migrate", "--set", "Storage:Sqlite=ignored.db"));
    }

    [Fact]
    public async Task Given_unreachable_database_Then_migrate_exits_1()
    {
        var closedPort = FreePort.Next();

        Assert.Equal(1, await InvokeAsync("migrate", "--set", $"DATABASE_URL=postgres://u:pw@127.0.0.1:{closedPort}/d?connect_timeout=2"));
    }

    [Fact]
    public async Task Given_malformed_database_url_Then_migrate_exits_1_and_roles_are_not_started()
    {
        Assert.Equal(1, await InvokeAsync("migrate", "--set", "POSTGRES_URL=postgres://u:pw@h:notaport/d"));
    }

    [Fact]
    public async Task Given_malformed_set_Then_migrate_exits_with_usage_error()
    {
        Assert.Equal(CommandLine.UsageError, await InvokeAsync("migrate", "--set", "novalue"));
    }
}
