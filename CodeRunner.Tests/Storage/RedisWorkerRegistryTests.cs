using CodeRunner.Storage;
using CodeRunner.Storage.Redis;
using CodeRunner.Tests.Support;
using StackExchange.Redis;

namespace CodeRunner.Tests.Storage;

public sealed class RedisWorkerRegistryTests : WorkerRegistryContract
{
    private readonly RedisOptions _options = RedisConnect.Options();
    private ConnectionMultiplexer? _redis;

    protected override async Task<IWorkerRegistry> CreateRegistryAsync()
    {
        _redis = await RedisConnect.ConnectAsync(await RedisServer.Shared);
        return new RedisWorkerRegistry(_redis, _options, Ttl, Time);
    }

    public override async Task DisposeAsync() => await _redis!.DisposeAsync();

    [Fact]
    public async Task Given_workers_heartbeating_from_two_processes_Then_each_process_lists_both()
    {
        await using var otherRedis = await RedisConnect.ConnectAsync(await RedisServer.Shared);
        var here = new RedisWorkerRegistry(_redis!, _options, Ttl, Time);
        var there = new RedisWorkerRegistry(otherRedis, _options, Ttl, Time);

        await here.HeartbeatAsync(new WorkerState("w1", "a", 1, 0, false, 0, Time.GetUtcNow()), Ct);
        await there.HeartbeatAsync(new WorkerState("w2", "b", 1, 0, false, 0, Time.GetUtcNow()), Ct);

        Assert.Equal(["w1", "w2"], (await here.ListAsync(Ct)).Select(w => w.Id));
        Assert.Equal(["w1", "w2"], (await there.ListAsync(Ct)).Select(w => w.Id));
    }
}
