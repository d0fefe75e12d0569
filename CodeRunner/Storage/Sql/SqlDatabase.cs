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

    /// <summary>
    /// A condition true when <paramref name="column"/> equals one of the values of the list
    /// parameter <paramref name="parameter"/> (e.g. "@tokens"). Dapper expands a list into one
    /// parameter per item for most engines, but hands it to PostgreSQL as a single array.
    /// </summary>
    public virtual string InList(string column, string parameter) => $"{column} IN {parameter}";

    /// <summary>
    /// The name of the parameter that <c>$position</c> (1-based) in SQL text stands for, or null
    /// where the engine binds <c>$1</c>, <c>$2</c>... by position (then nothing rewrites the SQL).
    /// </summary>
    public virtual string? PositionalParameterName(int position) => "$" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins the transaction migrations run in; it must exclude other migrators at once.</summary>
    public abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct);

    public abstract Task<long?> SizeInBytesAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="work"/> on its own connection, and once more on a fresh one when the
    /// first attempt failed in a way <see cref="IsWorthRetrying"/> accepts. Only for work that is
    /// safe to repeat (reads, upserts): a write may have committed before its connection broke.
    /// </summary>
    public async Task<T> IdempotentAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenAsync(ct);
            return await work(connection);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && IsWorthRetrying(e))
        {
            await using var connection = await OpenAsync(ct);
            return await work(connection);
        }
    }

    /// <summary>A failure that a second attempt on a new connection may well not repeat.</summary>
    protected virtual bool IsWorthRetrying(Exception e) => false;
}
