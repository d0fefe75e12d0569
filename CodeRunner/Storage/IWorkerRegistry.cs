namespace CodeRunner.Storage;

/// <summary>Workers report themselves here; `/workers` reads it.</summary>
public interface IWorkerRegistry
{
    ValueTask HeartbeatAsync(WorkerState state, CancellationToken ct);

    /// <summary>Workers seen recently enough to count as alive.</summary>
    ValueTask<IReadOnlyList<WorkerState>> ListAsync(CancellationToken ct);
}

/// <param name="Languages">The language ids the worker can run (what its toolchains are).</param>
public sealed record WorkerState(string Id, string Host, int Slots, int Busy, bool Paused, long Failed, DateTimeOffset SeenAt, IReadOnlyList<int>? Languages = null);
