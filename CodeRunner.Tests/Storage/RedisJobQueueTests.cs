using CodeRunner.Storage;
using CodeRunner.Storage.Redis;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CodeRunner.Tests.Storage;

public sealed class RedisJobQueueTests : JobQueueContract
{
    private ConnectionMultiplexer? _redis;
    private RedisJobQueue? _queue;

    protected override async Task<IJobQueue> CreateQueueAsync()
    {
        _redis = await RedisConnect.ConnectAsync(await RedisServer.Shared);
        _queue = new RedisJobQueue(_redis, RedisConnect.Options(visibilityTimeoutSeconds: 30), NullLogger<RedisJobQueue>.Instance);
        await _queue.StartAsync();
        return _queue;
    }

    protected override Task<long> ClaimedCountAsync() => _queue!.ClaimedCountAsync();

    protected override Task<IReadOnlyDictionary<string, string>> DeadLettersAsync() => _queue!.DeadLettersAsync();

    public override async Task DisposeAsync()
    {
        await _queue!.DisposeAsync();
        await _redis!.DisposeAsync();
    }
}
