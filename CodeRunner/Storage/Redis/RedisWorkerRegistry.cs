using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// Heartbeats as a hash per worker that expires on its own, indexed by a sorted set of last-seen
/// times; a worker not heard from within the TTL is not listed, and the index forgets it later.
/// </summary>
/// <param name="ttl">A worker silent for this long no longer counts (Storage:WorkerTtlSeconds, shared with the in-process registry).</param>
internal sealed class RedisWorkerRegistry(IConnectionMultiplexer redis, RedisOptions options, TimeSpan ttl, TimeProvider time) : IWorkerRegistry
{
    private readonly RedisKeys _keys = new(options.RedisPrefix);

    public async ValueTask HeartbeatAsync(WorkerState state, CancellationToken ct)
    {
        var key = _keys.Worker(state.Id);
        var seen = state.SeenAt.ToUnixTimeMilliseconds();
        // Kept a while past the TTL so a worker that skips one beat does not lose its record.
        var keep = ttl * 4;
        var tx = redis.GetDatabase().CreateTransaction();
        _ = tx.HashSetAsync(key,
        [
            new("host", state.Host), new("slots", state.Slots), new("busy", state.Busy),
            new("paused", state.Paused), new("failed", state.Failed), new("seen", seen),
            new("languages", string.Join(',', state.Languages ?? [])),
        ]);
        _ = tx.KeyExpireAsync(key, keep);
        _ = tx.SortedSetAddAsync(_keys.Workers, state.Id, seen);
        _ = tx.SortedSetRemoveRangeByScoreAsync(_keys.Workers, double.NegativeInfinity, (time.GetUtcNow() - keep).ToUnixTimeMilliseconds());
        await tx.ExecuteAsync();
    }

    public async ValueTask<IReadOnlyList<WorkerState>> ListAsync(CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var cutoff = (time.GetUtcNow() - ttl).ToUnixTimeMilliseconds();
        var ids = await db.SortedSetRangeByScoreAsync(_keys.Workers, cutoff, double.PositiveInfinity).WaitAsync(ct);
        var records = await Task.WhenAll(ids.Select(id => db.HashGetAllAsync(_keys.Worker(id!)))).WaitAsync(ct);
        return ids.Zip(records)
            .Where(p => p.Second.Length > 0)
            .Select(p => Read(p.First!, p.Second.ToDictionary(e => (string)e.Name!, e => e.Value)))
            .OrderBy(w => w.Id, StringComparer.Ordinal)
            .ToList();
    }

    private static WorkerState Read(string id, Dictionary<string, RedisValue> f) => new(
        id,
        f.GetValueOrDefault("host").ToString(),
        (int)f.GetValueOrDefault("slots"),
        (int)f.GetValueOrDefault("busy"),
        (bool)f.GetValueOrDefault("paused"),
        (long)f.GetValueOrDefault("failed"),
        DateTimeOffset.FromUnixTimeMilliseconds((long)f.GetValueOrDefault("seen")),
        Languages(f.GetValueOrDefault("languages").ToString()));

    private static List<int>? Languages(string ids) => ids.Length == 0
        ? null
        : ids.Split(',').Select(id => int.TryParse(id, out var n) ? n : 0).Where(n => n > 0).ToList();
}
