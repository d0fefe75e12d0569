using CodeRunner.Storage;

namespace CodeRunner.Tests.Storage;

/// <summary>What every <see cref="IWorkerRegistry"/> does, in-process or in Redis.</summary>
public abstract class WorkerRegistryContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    protected static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    // Whole milliseconds: what a store keeps.
    protected readonly ManualTime Time = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    private IWorkerRegistry _registry = null!;

    protected abstract Task<IWorkerRegistry> CreateRegistryAsync();

    public async Task InitializeAsync() => _registry = await CreateRegistryAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Given_heartbeats_Then_registry_lists_only_recent_workers_with_their_state()
    {
        var fresh = new WorkerState("new", "host-1", 2, 1, true, 7, Time.GetUtcNow());
        await _registry.HeartbeatAsync(new WorkerState("old", "h", 1, 0, false, 0, Time.GetUtcNow().AddMinutes(-5)), Ct);
        await _registry.HeartbeatAsync(fresh, Ct);

        Assert.Equal([fresh], await _registry.ListAsync(Ct));
    }

    [Fact]
    public async Task Given_a_heartbeat_with_the_workers_languages_Then_they_are_listed_with_it()
    {
        await _registry.HeartbeatAsync(new WorkerState("w", "h", 2, 0, false, 0, Time.GetUtcNow(), [50, 71, 89]), Ct);

        Assert.Equal([50, 71, 89], (await _registry.ListAsync(Ct)).Single().Languages!);
    }

    [Fact]
    public async Task Given_a_second_heartbeat_Then_the_worker_is_listed_once_with_its_latest_state()
    {
        await _registry.HeartbeatAsync(new WorkerState("b", "h", 2, 0, false, 0, Time.GetUtcNow().AddSeconds(-20)), Ct);
        await _registry.HeartbeatAsync(new WorkerState("a", "h", 2, 0, false, 0, Time.GetUtcNow().AddSeconds(-10)), Ct);
        var latest = new WorkerState("b", "h", 2, 2, false, 1, Time.GetUtcNow());
        await _registry.HeartbeatAsync(latest, Ct);

        var listed = await _registry.ListAsync(Ct);

        Assert.Equal(["a", "b"], listed.Select(w => w.Id));
        Assert.Equal(latest, listed[1]);
    }

    protected sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
