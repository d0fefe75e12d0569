using CodeRunner.Storage.Redis;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace CodeRunner.Tests.Support;

/// <summary>Connections built the way production builds them (same URL parsing and timeouts).</summary>
internal static class RedisConnect
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisServer server, double timeoutSeconds = 2)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["REDIS_URL"] = server.Url }).Build();
        Assert.True(RedisConfiguration.TryCreate(configuration, TimeSpan.FromSeconds(timeoutSeconds), out var options));
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Options for one test: its own key prefix, a short visibility timeout.</summary>
    public static RedisOptions Options(string? prefix = null, double visibilityTimeoutSeconds = 1) =>
        new() { RedisPrefix = prefix ?? RedisServer.NewPrefix(), VisibilityTimeoutSeconds = visibilityTimeoutSeconds };
}
