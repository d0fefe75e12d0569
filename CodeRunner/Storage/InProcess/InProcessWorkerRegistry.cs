using System.Collections.Concurrent;

namespace CodeRunner.Storage.InProcess;

/// <summary>Workers of this process; one not heard from within <paramref name="ttl"/> counts as gone.</summary>
internal sealed class InProcessWorkerRegistry(TimeProvider time, TimeSpan ttl) : IWorkerRegistry
{
    private readonly ConcurrentDictionary<string, WorkerState> workers = new(StringComparer.Ordinal);

    public ValueTask HeartbeatAsync(WorkerState state, CancellationToken ct)
    {
        workers[state.Id] = state;
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<WorkerState>> ListAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - ttl;
        IReadOnlyList<WorkerState> alive = workers.Values.Where(w => w.SeenAt >= cutoff).OrderBy(w => w.Id, StringComparer.Ordinal).ToList();
        return ValueTask.FromResult(alive);
    }
}
