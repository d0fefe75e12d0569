using CodeRunner.Hosting;
using CodeRunner.Storage.Postgres;
using CodeRunner.Storage.Sql;

namespace CodeRunner.Storage;

/// <summary>
/// <c>coderunner migrate</c>: brings the configured PostgreSQL schema up to date and exits, so a
/// deployment can migrate once before it starts (or restarts) the servers.
/// </summary>
internal static class MigrateCommand
{
    public const int Failed = 1;

    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> settings, TextWriter output, TextWriter error, CancellationToken ct)
    {
        // The same configuration layers as the servers read, so migrate reaches the same database.
        var configuration = HostingModule.CreateBuilder(new RunOptions(Roles.None, settings)).Configuration;
        try
        {
            await using var database = PostgresDatabase.FromConfiguration(configuration, StorageModule.DatabaseUrlKeys);
            if (database is null)
            {
                await error.WriteLineAsync(
                    $"coderunner: migrate needs a PostgreSQL database: set {string.Join(", ", StorageModule.DatabaseUrlKeys)}");
                return CommandLine.UsageError;
            }
            var applied = await Migrator.MigrateAsync(database, ct);
            foreach (var name in applied)
            {
                await output.WriteLineAsync($"applied {name}");
            }
            var latest = Migrator.Embedded(database.MigrationsPrefix)[^1].Name;
            await output.WriteLineAsync(applied.Count == 0 ? $"up to date at {latest}" : $"now at {latest}");
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One line: Npgsql's messages name the host and the server's error, never the password.
            var message = e.Message.Split('\n', 2)[0].Trim();
            await error.WriteLineAsync($"coderunner: migrate failed: {message}");
            return Failed;
        }
    }
}
