namespace CodeRunner.Storage.Redis;

/// <summary>
/// A broadcast wake-up: take <see cref="Next"/> before checking for work, then await it; a
/// <see cref="Fire"/> in between is not missed.
/// </summary>
internal sealed class Pulse
{
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _current).Task;

    public void Fire() =>
        Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
