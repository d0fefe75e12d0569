using System.Data.Common;
using CodeRunner.Storage.Sql;
using CodeRunner.Storage.Sqlite;

namespace CodeRunner.Runner.History.Sqlite;

/// <summary>
/// The runner's own SQLite file: the judge's connection settings (WAL, busy timeout) with the
/// runner's migrations, so the shared migrator keeps its version table in this file.
/// </summary>
internal sealed class HistorySqliteDatabase(string path) : SqlDatabase
{
    private readonly SqliteDatabase file = new(path);

    public string FilePath => file.FilePath;

    public override string MigrationsPrefix => "Runner/History/Sqlite/Migrations/";

    public override string CreatedDayExpression => file.CreatedDayExpression;

    public override Task<DbConnection> OpenAsync(CancellationToken ct) => file.OpenAsync(ct);

    public override Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct) =>
        file.BeginMigrationAsync(connection, ct);

    public override Task<long?> SizeInBytesAsync(DbConnection connection, CancellationToken ct) =>
        file.SizeInBytesAsync(connection, ct);
}
