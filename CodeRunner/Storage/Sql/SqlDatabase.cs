using System.Data.Common;

namespace CodeRunner.Storage.Sql;

/// <summary>
/// What differs between the SQL engines behind the shared Dapper stores: how to open a connection,
/// where the migrations live, and the few expressions that are not portable SQL.
/// </summary>
internal abstract class SqlDatabase
{
    /// <summary>Folder of the embedded numbered migrations, e.g. "Storage/Sqlite/Migrations/".</summary>
    public abstract string MigrationsPrefix { get; }

    /// <summary>An expression giving the UTC calendar day ('yyyy-MM-dd' text) of created_at.</summary>
    public abstract string CreatedDayExpression { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins the transaction migrations run in; it must exclude other migrators at once.</summary>
    public abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct);

    public abstract Task<long?> SizeInBytesAsync(DbConnection connection, CancellationToken ct);
}
