using CodeRunner.Storage;
using CodeRunner.Storage.Redis;
using CodeRunner.Tests.Support;
using StackExchange.Redis;

namespace CodeRunner.Tests.Storage;

public sealed class RedisCompletionSignalTests : CompletionSignalContract
{
    private readonly RedisOptions _options = RedisConnect.Options();
    private ConnectionMultiplexer? _redis;
    private RedisCompletionSignal? _signal;

    protected override async Task<ICompletionSignal> CreateSignalAsync()
    {
        _redis = await RedisConnect.ConnectAsync(await RedisServer.Shared);
        _signal = new RedisCompletionSignal(_redis, _options);
        await _signal.StartAsync();
        return _signal;
    }

    protected override int SubscriberCount(string token) => _signal!.SubscriberCount(token);

    protected override Task SettleAsync() => Task.Delay(200);

    public override async Task DisposeAsync()
    {
        await _signal!.DisposeAsync();
        await _redis!.DisposeAsync();
    }

    [Fact]
    public async Task Given_a_notification_from_another_process_Then_the_waiter_here_wakes_and_no_other_prefix_does()
    {
        await using var otherRedis = await RedisConnect.ConnectAsync(await RedisServer.Shared);
        await using var otherProcess = new RedisCompletionSignal(otherRedis, _options);
        await using var otherDeployment = new RedisCompletionSignal(otherRedis, RedisConnect.Options());
        await otherDeployment.StartAsync();
        using var here = _signal!.Subscribe("t");
        using var elsewhere = otherDeployment.Subscribe("t");

        await otherProcess.NotifyAsync("t", Ct);

        await here.Completed.WaitAsync(Patience);
        await SettleAsync();
        Assert.False(elsewhere.Completed.IsCompleted);
    }
}
