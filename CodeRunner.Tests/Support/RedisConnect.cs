using CodeRunner.Storage.Redis;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace CodeRunner.Tests.Support;

/// <summary>Connections built the way production builds them (same URL parsing and timeouts).</summary>
internal static class RedisConnect
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisServer server, double timeoutSeconds = 2, bool waitUntilUp = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_URL"] = server.Url }).Build();
        Assert.True(RedisConfiguration.TryCreate(configuration, TimeSpan.FromSeconds(timeoutSeconds), out var options));
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        if (!waitUntilUp)
        {
            return redis;
        }
        // With abortConnect=false ConnectAsync may return before the subscription connection is up,
        // and commands fail fast rather than wait: let both connections come up first.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                await redis.GetSubscriber().PingAsync();
                await redis.GetDatabase().PingAsync();
                return redis;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Options for one test: its own key prefix, a short visibility timeout.</summary>
    public static RedisOptions Options(string? prefix = null, double visibilityTimeoutSeconds = 1) =>
        new() { RedisPrefix = prefix ?? RedisServer.NewPrefix(), VisibilityTimeoutSeconds = visibilityTimeoutSeconds };
}
