using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>The job queue, completion signal and worker registry in Redis, when Redis is configured.</summary>
internal static class RedisStorage
{
    /// <summary>
    /// Registers the multiplexer (one per process), <see cref="IJobQueue"/>, <see cref="ICompletionSignal"/>,
    /// <see cref="IWorkerRegistry"/> and the maintenance service when a Redis location is configured;
    /// returns false and registers nothing otherwise.
    /// </summary>
    internal static bool TryAddRedis(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
        var workerTtl = (configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions()).WorkerTtl;
        if (!RedisConfiguration.TryCreate(configuration, TimeSpan.FromSeconds(options.RedisTimeoutSeconds), out var redis))
        {
            return false;
        }
        services.AddSingleton(options);
        services.AddSingleton<IConnectionMultiplexer>(sp => Connect(redis, sp.GetRequiredService<ILogger<RedisJobQueue>>()));
        services.AddSingleton<RedisJobQueue>();
        services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<RedisJobQueue>());
        services.AddSingleton<RedisCompletionSignal>();
        services.AddSingleton<ICompletionSignal>(sp => sp.GetRequiredService<RedisCompletionSignal>());
        services.AddSingleton<IWorkerRegistry>(sp => new RedisWorkerRegistry(
            sp.GetRequiredService<IConnectionMultiplexer>(), options, workerTtl,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddHostedService<RedisQueueMaintenance>();
        services.AddHostedService<QueueReconciler>();
        return true;
    }

    private static ConnectionMultiplexer Connect(ConfigurationOptions configuration, ILogger logger)
    {
        // With AbortOnConnectFail off this returns even when Redis is down, and keeps reconnecting.
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        multiplexer.ConnectionFailed += (_, e) =>
            logger.LogWarning("Redis connection lost ({Endpoint}, {ConnectionType}): {FailureType}", e.EndPoint, e.ConnectionType, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) =>
            logger.LogInformation("Redis connection restored ({Endpoint}, {ConnectionType})", e.EndPoint, e.ConnectionType);
        if (!multiplexer.IsConnected)
        {
            logger.LogWarning("Redis is not reachable yet; queue operations fail until it is");
        }
        return multiplexer;
    }
}
