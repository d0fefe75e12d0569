using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace CodeRunner.Storage.Sql;

/// <summary>
/// Applies the embedded numbered migrations (NNN_name.sql) not yet recorded in schema_version, in
/// order, in one transaction: a server and a worker starting together cannot both apply one.
/// </summary>
internal static partial class Migrator
{
    /// <summary>Returns the names of the migrations applied now, in order; empty when up to date.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(SqlDatabase database, CancellationToken ct)
    {
        var migrations = Embedded(database.MigrationsPrefix);
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await database.BeginMigrationAsync(connection, ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            transaction: transaction, cancellationToken: ct));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_version", transaction: transaction, cancellationToken: ct))).ToHashSet();
        var done = new List<string>();
        foreach (var (version, name, sql) in migrations.Where(m => !applied.Contains(m.Version)))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @appliedAt)",
                new { version, name, appliedAt = DateTimeOffset.UtcNow.ToString("O") },
                transaction, cancellationToken: ct));
            done.Add(name);
        }
        await transaction.CommitAsync(ct);
        return done;
    }

    internal static IReadOnlyList<(long Version, string Name, string Sql)> Embedded(string prefix)
    {
        var assembly = typeof(Migrator).Assembly;
        var result = new List<(long, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var normalized = resource.Replace('\\', '/');
            if (!normalized.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var name = normalized[prefix.Length..];
            var match = MigrationName().Match(name);
            if (!match.Success)
            {
                throw new InvalidOperationException($"migration '{normalized}' is not named NNN_name.sql");
            }
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            result.Add((long.Parse(match.Groups[1].Value), name, reader.ReadToEnd()));
        }
        var duplicate = result.GroupBy(m => m.Item1).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"two migrations are numbered {duplicate.Key}");
        }
        return result.OrderBy(m => m.Item1).ToList();
    }

    [GeneratedRegex(@"^(\d+)_[A-Za-z0-9_\-]+\.sql$")]
    private static partial Regex MigrationName();
}
