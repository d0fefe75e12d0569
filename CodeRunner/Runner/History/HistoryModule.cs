using CodeRunner.Runner.History.Mongo;
using CodeRunner.Runner.History.Sqlite;
using MongoDB.Driver;

namespace CodeRunner.Runner.History;

public static class HistoryModule
{
    /// <summary>
    /// Registers <see cref="IHistoryStore"/>: MongoDB when MONGO_URL (or Runner:Mongo) is set, else
    /// the SQLite file Runner:Sqlite; its schema and indexes are created at start, before Kestrel listens.
    /// </summary>
    public static IServiceCollection AddHistoryStore(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(HistoryOptions.Section).Get<HistoryOptions>() ?? new HistoryOptions();
        var mongoKey = HistoryOptions.MongoUrlKeys.FirstOrDefault(k => !string.IsNullOrWhiteSpace(configuration[k]));
        if (mongoKey is not null)
        {
            var url = ParseMongoUrl(configuration[mongoKey]!, mongoKey);
            var databaseName = string.IsNullOrEmpty(url.DatabaseName) ? options.MongoDatabase : url.DatabaseName;
            // Through a factory so that the container disposes the client (its connection pool) at shutdown.
            services.AddSingleton(_ => new MongoClient(url));
            services.AddSingleton<IHistoryStore>(sp => new MongoHistoryStore(
                sp.GetRequiredService<MongoClient>().GetDatabase(databaseName), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        }
        else
        {
            // Both files keep their migrations in a schema_version table: one file cannot hold both.
            var judgeFile = configuration["Storage:Sqlite"] ?? "coderunner.db";
            if (Path.GetFullPath(options.Sqlite) == Path.GetFullPath(judgeFile))
            {
                throw new FormatException($"Runner:Sqlite: must be another file than Storage:Sqlite ({judgeFile})");
            }
            services.AddSingleton(_ => new HistorySqliteDatabase(options.Sqlite));
            services.AddSingleton<IHistoryStore>(sp => new SqliteHistoryStore(
                sp.GetRequiredService<HistorySqliteDatabase>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        }
        services.AddHostedService<HistoryInitialization>();
        return services;
    }

    /// <exception cref="FormatException">Names the key, never the value: it may hold a password.</exception>
    private static MongoUrl ParseMongoUrl(string value, string key)
    {
        try
        {
            return MongoUrl.Create(value);
        }
        catch (Exception e) when (e is MongoConfigurationException or FormatException or ArgumentException)
        {
            throw new FormatException($"{key}: not a MongoDB URL (mongodb://[user:password@]host[:port][/database][?options] or mongodb+srv://...)");
        }
    }
}

/// <summary>Creates the store's schema at start; a failure stops the process before it listens.</summary>
internal sealed class HistoryInitialization(IHistoryStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
