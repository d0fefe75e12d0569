using System.Collections.Concurrent;

namespace CodeRunner.Storage.InProcess;

/// <summary>Wake-ups within one process: each subscription is a TaskCompletionSource; no thread waits.</summary>
internal sealed class InProcessCompletionSignal : ICompletionSignal
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> subscribers = new(StringComparer.Ordinal);

    public ICompletionSubscription Subscribe(string token)
    {
        var subscription = new Subscription(this, token);
        subscribers.AddOrUpdate(
            token,
            _ => new ConcurrentDictionary<Subscription, byte> { [subscription] = 0 },
            (_, set) =>
            {
                set[subscription] = 0;
                return set;
            });
        return subscription;
    }

    public ValueTask NotifyAsync(string token, CancellationToken ct)
    {
        Notify(token);
        return ValueTask.CompletedTask;
    }

    internal void Notify(string token)
    {
        if (subscribers.TryGetValue(token, out var set))
        {
            foreach (var subscription in set.Keys)
            {
                subscription.Source.TrySetResult();
            }
        }
    }

    /// <summary>Wakes every waiter (they re-check the store): used when notifications may have been lost.</summary>
    internal void NotifyAll()
    {
        foreach (var set in subscribers.Values)
        {
            foreach (var subscription in set.Keys)
            {
                subscription.Source.TrySetResult();
            }
        }
    }

    internal int SubscriberCount(string token) => subscribers.TryGetValue(token, out var set) ? set.Count : 0;

    private void Remove(Subscription subscription)
    {
        if (subscribers.TryGetValue(subscription.Token, out var set))
        {
            set.TryRemove(subscription, out _);
            // Drop the empty set only if no one re-subscribed meanwhile.
            if (set.IsEmpty)
            {
                subscribers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Subscription, byte>>(subscription.Token, set));
            }
        }
    }

    private sealed class Subscription(InProcessCompletionSignal owner, string token) : ICompletionSubscription
    {
        // Continuations run on the thread pool, not inside the notifier's call.
        public TaskCompletionSource Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Token => token;

        public Task Completed => Source.Task;

        public void Dispose() => owner.Remove(this);
    }
}
