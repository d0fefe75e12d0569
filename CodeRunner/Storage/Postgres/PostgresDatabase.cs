using System.Data.Common;
using CodeRunner.Storage.Sql;
using Dapper;
using Npgsql;

namespace CodeRunner.Storage.Postgres;

/// <summary>
/// PostgreSQL, shared by every judge-server and worker. One data source (one connection pool) per
/// process; Npgsql drops the whole pool when a connection breaks, so a server restart costs at most
/// the calls that were using a dead connection, and reads retry those once.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase, IAsyncDisposable, IDisposable
{
    // Any fixed number works, as long as every CodeRunner process uses the same one.
    private const long MigrationLockKey = 0x436f_6465_5275_6e;

    private readonly NpgsqlDataSource dataSource;

    public PostgresDatabase(string connectionString)
    {
        dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
    }

    /// <summary>The database named by the first of <paramref name="keys"/> that is set; null when none is.</summary>
    /// <exception cref="FormatException">The value is not a PostgreSQL address.</exception>
    public static PostgresDatabase? FromConfiguration(IConfiguration configuration, IEnumerable<string> keys)
    {
        var key = keys.FirstOrDefault(k => !string.IsNullOrWhiteSpace(configuration[k]));
        return key is null ? null : new PostgresDatabase(PostgresConnectionString.Parse(configuration[key]!, key));
    }

    public override string MigrationsPrefix => "Storage/Postgres/Migrations/";

    public override string CreatedDayExpression => "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    // Npgsql sends a list parameter as one array, which IN cannot take.
    public override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    // Unnamed parameters are PostgreSQL's own $1, $2...: Npgsql sends the SQL as it is.
    public override string? PositionalParameterName(int position) => null;

    public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await dataSource.OpenConnectionAsync(ct);

    public override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        // Held until commit or rollback: a second process starting now waits here, then sees the
        // migrations the first one applied.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@key)", new { key = MigrationLockKey }, transaction, cancellationToken: ct));
        return transaction;
    }

    public override async Task<long?> SizeInBytesAsync(DbConnection connection, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT pg_database_size(current_database())", cancellationToken: ct));

    // A dropped connection (server restarted, failover, idle connection cut) is worth one more try;
    // a timeout is not: the second attempt would only double the wait.
    protected override bool IsWorthRetrying(Exception e) =>
        e is NpgsqlException { IsTransient: true } && e.InnerException is not TimeoutException;

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public void Dispose() => dataSource.Dispose();
}
