namespace CodeRunner.Storage;

/// <summary>
/// The language table changes only when a worker publishes, yet every create and every read of a
/// submission needs it: serve it from memory, refreshed at most every few seconds (a language a
/// worker on another machine publishes appears within that time).
/// </summary>
internal sealed class CachedLanguageStore(ILanguageStore inner, TimeProvider time, TimeSpan ttl) : ILanguageStore
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyList<Language> All, IReadOnlyList<Language> Active, IReadOnlyDictionary<int, Language> ById, long LoadedAt);

    public async Task<IReadOnlyList<Language>> ListAsync(bool includeArchived, CancellationToken ct)
    {
        var snapshot = await CurrentAsync(ct);
        return includeArchived ? snapshot.All : snapshot.Active;
    }

    public async Task<Language?> GetAsync(int id, CancellationToken ct)
    {
        var snapshot = await CurrentAsync(ct);
        if (snapshot.ById.TryGetValue(id, out var language))
        {
            return language;
        }
        // A miss may be a language just published elsewhere: look again, at most a few times a second.
        if (time.GetElapsedTime(snapshot.LoadedAt) < MissRefresh)
        {
            return null;
        }
        Interlocked.CompareExchange(ref _snapshot, null, snapshot);
        return (await CurrentAsync(ct)).ById.GetValueOrDefault(id);
    }

    private static readonly TimeSpan MissRefresh = TimeSpan.FromMilliseconds(250);

    public async Task PublishAsync(IReadOnlyList<Language> available, CancellationToken ct)
    {
        await inner.PublishAsync(available, ct);
        _snapshot = null;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        if (_snapshot is { } fresh && time.GetElapsedTime(fresh.LoadedAt) < ttl)
        {
            return fresh;
        }
        await _refresh.WaitAsync(ct);
        try
        {
            if (_snapshot is { } loaded && time.GetElapsedTime(loaded.LoadedAt) < ttl)
            {
                return loaded;
            }
            var all = await inner.ListAsync(includeArchived: true, ct);
            var snapshot = new Snapshot(all, all.Where(l => !l.IsArchived).ToList(), all.ToDictionary(l => l.Id), time.GetTimestamp());
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }
}
