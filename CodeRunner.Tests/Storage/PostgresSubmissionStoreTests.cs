using CodeRunner.Storage.Postgres;
using CodeRunner.Storage.Sql;
using CodeRunner.Tests.Support;
using Dapper;
using Npgsql;

namespace CodeRunner.Tests.Storage;

/// <summary>The store contract on a real PostgreSQL 15, a fresh database per test, plus its schema.</summary>
public sealed class PostgresSubmissionStoreTests : SubmissionStoreContract
{
    private readonly Dictionary<SqlDatabase, string> connectionStrings = [];

    internal override async Task<SqlDatabase> CreateFreshAsync()
    {
        var server = await PostgresServer.Shared;
        var connectionString = PostgresConnectionString.Parse(PostgresServer.ToUrl(await server.CreateDatabaseAsync()), "test");
        var database = Track(new PostgresDatabase(connectionString));
        connectionStrings[database] = connectionString;
        return database;
    }

    internal override SqlDatabase Reopen(SqlDatabase database)
    {
        var connectionString = connectionStrings[database];
        var reopened = Track(new PostgresDatabase(connectionString));
        connectionStrings[reopened] = connectionString;
        return reopened;
    }

    [Fact]
    public async Task Given_migrated_database_Then_program_text_and_output_are_bytea_and_times_are_exact_types()
    {
        await using var connection = (NpgsqlConnection)await Database.OpenAsync(Ct);

        var types = (await connection.QueryAsync<(string Column, string Type)>(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'submissions'"))
            .ToDictionary(c => c.Column, c => c.Type);

        foreach (var column in new[] { "source_code", "stdin", "expected_output", "stdout", "stderr", "compile_output", "additional_files" })
        {
            Assert.Equal("bytea", types[column]);
        }
        Assert.Equal("timestamp with time zone", types["created_at"]);
        Assert.Equal("numeric", types["time"]);
        Assert.Equal("numeric", types["cpu_time_limit"]);
        Assert.Equal("bigint", types["id"]);
        Assert.Equal("boolean", types["enable_network"]);
    }

    [Fact]
    public async Task Given_migrated_database_Then_the_queries_have_their_indexes()
    {
        await using var connection = (NpgsqlConnection)await Database.OpenAsync(Ct);

        var indexes = (await connection.QueryAsync<string>(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'submissions'")).ToList();

        Assert.Contains(indexes, i => i.Contains("UNIQUE INDEX") && i.EndsWith("(token)"));
        Assert.Contains(indexes, i => i.EndsWith("(created_at, id)"));
        Assert.Contains(indexes, i => i.EndsWith("(status_id)"));
        Assert.Contains(indexes, i => i.Contains("WHERE (status_id = ANY (ARRAY[1, 2]))"));
    }

    [Fact]
    public async Task Given_many_unfinished_among_finished_Then_the_requeue_query_uses_the_partial_index()
    {
        await using var connection = (NpgsqlConnection)await Database.OpenAsync(Ct);
        await connection.ExecuteAsync("SET enable_seqscan = off");

        var plan = string.Join("\n", await connection.QueryAsync<string>(
            "EXPLAIN SELECT token FROM submissions WHERE status_id IN (1, 2) ORDER BY id"));

        Assert.Contains("ix_submissions_unfinished", plan);
    }
}
