using CodeRunner.Storage;

namespace CodeRunner.Tests.Storage;

/// <summary>What every <see cref="ICompletionSignal"/> does, in-process or through Redis.</summary>
public abstract class CompletionSignalContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private ICompletionSignal _signal = null!;

    protected abstract Task<ICompletionSignal> CreateSignalAsync();

    protected abstract int SubscriberCount(string token);

    /// <summary>Long enough for a notification in flight to have arrived.</summary>
    protected virtual Task SettleAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _signal = await CreateSignalAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Given_two_subscribers_Then_notify_wakes_both_and_not_others()
    {
        using var first = _signal.Subscribe("t");
        using var second = _signal.Subscribe("t");
        using var other = _signal.Subscribe("u");

        await _signal.NotifyAsync("t", Ct);

        await first.Completed.WaitAsync(Patience);
        await second.Completed.WaitAsync(Patience);
        await SettleAsync();
        Assert.False(other.Completed.IsCompleted);
    }

    [Fact]
    public async Task Given_notify_before_subscribe_Then_the_new_subscription_is_not_completed()
    {
        await _signal.NotifyAsync("t", Ct);
        await SettleAsync();

        using var late = _signal.Subscribe("t");
        await SettleAsync();

        Assert.False(late.Completed.IsCompleted);
    }

    [Fact]
    public void Given_disposed_subscriptions_Then_nothing_is_kept_for_the_token()
    {
        var a = _signal.Subscribe("t");
        var b = _signal.Subscribe("t");
        Assert.Equal(2, SubscriberCount("t"));

        a.Dispose();
        b.Dispose();

        Assert.Equal(0, SubscriberCount("t"));
    }
}
