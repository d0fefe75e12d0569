using CodeRunner.Storage.InProcess;

namespace CodeRunner.Tests.Storage;

public sealed class CompletionSignalTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Given_two_subscribers_Then_notify_wakes_both_and_not_others()
    {
        var signal = new InProcessCompletionSignal();
        using var first = signal.Subscribe("t");
        using var second = signal.Subscribe("t");
        using var other = signal.Subscribe("u");

        await signal.NotifyAsync("t", Ct);

        await first.Completed.WaitAsync(TimeSpan.FromSeconds(5));
        await second.Completed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(other.Completed.IsCompleted);
    }

    [Fact]
    public async Task Given_notify_before_subscribe_Then_the_new_subscription_is_not_completed()
    {
        var signal = new InProcessCompletionSignal();
        await signal.NotifyAsync("t", Ct);

        using var late = signal.Subscribe("t");

        Assert.False(late.Completed.IsCompleted);
    }

    [Fact]
    public void Given_disposed_subscriptions_Then_nothing_is_kept_for_the_token()
    {
        var signal = new InProcessCompletionSignal();
        var a = signal.Subscribe("t");
        var b = signal.Subscribe("t");
        Assert.Equal(2, signal.SubscriberCount("t"));

        a.Dispose();
        b.Dispose();

        Assert.Equal(0, signal.SubscriberCount("t"));
    }
}
