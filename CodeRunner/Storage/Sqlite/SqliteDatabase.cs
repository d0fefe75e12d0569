using System.Data.Common;
using CodeRunner.Storage.Sql;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CodeRunner.Storage.Sqlite;

/// <summary>
/// The embedded database: one SQLite file shared by the server and worker (possibly two
/// processes), so WAL (readers never block the writer) and a busy timeout (writers queue).
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
{
    private const int BusyTimeoutMs = 10_000;
    private readonly string connectionString;

    public SqliteDatabase(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
        FilePath = full;
    }

    public string FilePath { get; }

    public override string MigrationsPrefix => "Storage/Sqlite/Migrations/";

    public override string CreatedDayExpression => "substr(created_at, 1, 10)";

    public override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        // Per connection: the busy handler and the fsync level are not stored in the file.
        await connection.ExecuteAsync($"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    public override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        // WAL is stored in the file and cannot be switched inside a transaction.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        // BEGIN IMMEDIATE: takes the write lock now, so a second migrator waits instead of deadlocking.
        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }

    public override async Task<long?> SizeInBytesAsync(DbConnection connection, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", cancellationToken: ct));
}
