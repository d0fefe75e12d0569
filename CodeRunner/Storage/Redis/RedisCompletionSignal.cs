using CodeRunner.Storage.InProcess;
using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// Wake-ups across processes: one channel carries finished tokens; each process subscribes to it once
/// and wakes its own waiters. A notification published while this process was disconnected is lost,
/// so on reconnect every local waiter is woken to re-check the store, and again once the channel is
/// subscribed again.
/// </summary>
internal sealed class RedisCompletionSignal : ICompletionSignal, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly InProcessCompletionSignal _local = new();
    private readonly Action<RedisChannel, RedisValue> _onMessage;

    public RedisCompletionSignal(IConnectionMultiplexer redis, RedisOptions options)
    {
        _redis = redis;
        _keys = new RedisKeys(options.RedisPrefix);
        _onMessage = (_, token) => _local.Notify(token.ToString());
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Subscribes this process to the channel; StackExchange.Redis re-subscribes after reconnects.</summary>
    public Task StartAsync() => _redis.GetSubscriber().SubscribeAsync(_keys.Completed, _onMessage);

    public ICompletionSubscription Subscribe(string token) => _local.Subscribe(token);

    public async ValueTask NotifyAsync(string token, CancellationToken ct) =>
        await _redis.GetSubscriber().PublishAsync(_keys.Completed, token);

    internal int SubscriberCount(string token) => _local.SubscriberCount(token);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _local.NotifyAll();
        _ = WakeAllOnceResubscribedAsync();
    }

    /// <summary>
    /// The first wake-up comes before the channel is subscribed again, so a notification published
    /// in between would be lost: wake everyone once more when the subscription is back (plus a
    /// moment for the SUBSCRIBE itself). Waiters woken for nothing just re-check the store.
    /// </summary>
    private async Task WakeAllOnceResubscribedAsync()
    {
        var subscriber = _redis.GetSubscriber();
        for (var i = 0; i < 200 && !subscriber.IsConnected(_keys.Completed); i++)
        {
            await Task.Delay(50);
        }
        await Task.Delay(250);
        _local.NotifyAll();
    }

    public async ValueTask DisposeAsync()
    {
        _redis.ConnectionRestored -= OnConnectionRestored;
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_keys.Completed, _onMessage);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
        }
    }
}
