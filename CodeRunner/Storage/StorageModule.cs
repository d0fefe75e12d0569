using CodeRunner.Hosting;
using CodeRunner.Storage.InProcess;
using CodeRunner.Storage.Postgres;
using CodeRunner.Storage.Redis;
using CodeRunner.Storage.Sql;
using CodeRunner.Storage.Sqlite;

namespace CodeRunner.Storage;

/// <summary>
/// Stores and queue shared by the judge roles: PostgreSQL when a database URL is configured, else
/// a SQLite file; Redis when a Redis location is configured, else an in-process queue.
/// </summary>
public static class StorageModule
{
    /// <summary>Names under which a PostgreSQL URL may be configured (the seeds' names first).</summary>
    internal static readonly string[] DatabaseUrlKeys = ["POSTGRES_URL", "DATABASE_URL", "ConnectionStrings:Postgres", "Storage:Postgres"];

    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        if ((builder.Roles() & (Roles.JudgeServer | Roles.JudgeWorker)) == Roles.None)
        {
            return builder;
        }
        var options = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var database = PostgresDatabase.FromConfiguration(builder.Configuration, DatabaseUrlKeys)
            ?? (SqlDatabase)new SqliteDatabase(options.Sqlite);
        builder.Services.AddSingleton(options);
        // Through a factory so that the container disposes it (PostgreSQL's connection pool) at shutdown.
        builder.Services.AddSingleton<SqlDatabase>(_ => database);
        // Registered before every role's services, so the schema exists before anything uses it.
        builder.Services.AddHostedService<MigrationService>();
        builder.Services.AddSingleton<ISubmissionStore, SqlSubmissionStore>();
        builder.Services.AddSingleton<SqlLanguageStore>();
        builder.Services.AddSingleton<ILanguageStore>(sp => new CachedLanguageStore(
            sp.GetRequiredService<SqlLanguageStore>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, TimeSpan.FromSeconds(options.LanguageCacheSeconds)));
        // Before the roles' services: the queue's channels are subscribed before workers and Kestrel start.
        if (!builder.Services.TryAddRedis(builder.Configuration))
        {
            AddInProcessQueue(builder, options);
        }
        return builder;
    }

    /// <summary>The embedded queue: only a judge-server and worker in this same process share it.</summary>
    private static void AddInProcessQueue(WebApplicationBuilder builder, StorageOptions options)
    {
        builder.Services.AddSingleton<IJobQueue, InProcessJobQueue>();
        builder.Services.AddSingleton<ICompletionSignal, InProcessCompletionSignal>();
        builder.Services.AddSingleton<IWorkerRegistry>(sp => new InProcessWorkerRegistry(
            sp.GetService<TimeProvider>() ?? TimeProvider.System, options.WorkerTtl));
        // The in-process queue dies with the process; the database does not. Whatever was accepted
        // and not finished goes back into the queue at start, so nothing is lost.
        builder.Services.AddHostedService<RequeueUnfinished>();
        if ((builder.Roles() & (Roles.JudgeServer | Roles.JudgeWorker)) != (Roles.JudgeServer | Roles.JudgeWorker))
        {
            builder.Services.AddHostedService<SplitRolesWarning>();
        }
    }
}

internal sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite file used when no database URL is set.</summary>
    public string Sqlite { get; set; } = "coderunner.db";

    /// <summary>How stale the in-memory language table may get (a worker elsewhere publishing).</summary>
    public int LanguageCacheSeconds { get; set; } = 5;

    /// <summary>A worker silent for this long no longer counts in `/workers`.</summary>
    public int WorkerTtlSeconds { get; set; } = 30;

    public TimeSpan WorkerTtl => TimeSpan.FromSeconds(WorkerTtlSeconds);
}

/// <summary>Brings the schema up to date at start; a failure stops the process before it listens.</summary>
internal sealed class MigrationService(SqlDatabase database, ILogger<MigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await Migrator.MigrateAsync(database, cancellationToken);
        if (applied.Count > 0)
        {
            logger.LogInformation("Applied database migration(s) {Migrations}", string.Join(", ", applied));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Puts every submission still In Queue or Processing back into the in-process queue at start.</summary>
internal sealed class RequeueUnfinished(ISubmissionStore store, IJobQueue queue, ILogger<RequeueUnfinished> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Everything accepted before this process started: nothing of it can be in this new queue.
        var tokens = await store.ListUnfinishedTokensAsync(DateTimeOffset.UtcNow, cancellationToken);
        if (tokens.Count > 0)
        {
            await queue.EnqueueAsync(tokens, cancellationToken);
            logger.LogInformation("Re-queued {Count} unfinished submission(s) from the last run", tokens.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The embedded queue reaches only a worker in this same process.</summary>
internal sealed class SplitRolesWarning(ILogger<SplitRolesWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("Embedded in-process queue: only a judge-server and judge-worker in this same process share it; run both roles here (--role all) or configure a queue");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
