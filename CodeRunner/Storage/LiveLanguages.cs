namespace CodeRunner.Storage;

/// <summary>
/// The languages some live worker can run: the union of what the workers' heartbeats report.
/// The language table keeps every language a worker ever published; a worker that is gone (or
/// came back without a toolchain) takes its languages out of this set within the workers' TTL.
/// Null when no live worker reports languages at all (none running, or all too old to say):
/// then nothing is refused, and jobs wait in the queue for workers as Judge0's do.
/// </summary>
public sealed class LiveLanguages(IWorkerRegistry registry, TimeProvider time)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlySet<int>? Ids, long At);

    public async Task<IReadOnlySet<int>?> IdsAsync(CancellationToken ct)
    {
        if (_snapshot is { } fresh && time.GetElapsedTime(fresh.At) < Fresh)
        {
            return fresh.Ids;
        }
        await _refresh.WaitAsync(ct);
        try
        {
            if (_snapshot is { } loaded && time.GetElapsedTime(loaded.At) < Fresh)
            {
                return loaded.Ids;
            }
            var workers = await registry.ListAsync(ct);
            var reporting = workers.Where(w => w.Languages is { Count: > 0 }).ToList();
            IReadOnlySet<int>? ids = reporting.Count == 0 ? null : reporting.SelectMany(w => w.Languages!).ToHashSet();
            _snapshot = new Snapshot(ids, time.GetTimestamp());
            return ids;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Whether a live worker can run the language (true when no worker reports languages).</summary>
    public async Task<bool> CanRunAsync(int id, CancellationToken ct) => await IdsAsync(ct) is not { } ids || ids.Contains(id);
}
