namespace CodeRunner.Storage;

/// <summary>
/// Wakes requests waiting for a submission (wait=true) when a worker finishes it, on whichever
/// server holds the request. Subscribe first, then check the store, then await: no lost wake-up.
/// </summary>
public interface ICompletionSignal
{
    ICompletionSubscription Subscribe(string token);

    ValueTask NotifyAsync(string token, CancellationToken ct);
}

public interface ICompletionSubscription : IDisposable
{
    /// <summary>Completes when the token is notified.</summary>
    Task Completed { get; }
}
