using System.Collections.Concurrent;
using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// A reliable queue in Redis lists (the Foundatio pattern), one list per caller served in
/// <see cref="FairShare"/> order: a claim pops a job id and records the
/// delivery with a deadline; this process renews the deadlines of the claims it holds, and
/// <see cref="RequeueExpiredAsync"/> (run by any process) puts back the jobs of workers that stopped
/// renewing. Idle claimers wait for a pub/sub wake-up with a slow poll as a fallback, since
/// StackExchange.Redis has no blocking commands on its shared connection.
/// </summary>
internal sealed class RedisJobQueue : IJobQueue, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly Pulse _wake = new();
    private readonly ConcurrentDictionary<string, ClaimedJob> _held = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private readonly Action<RedisChannel, RedisValue> _onWake;

    public RedisJobQueue(IConnectionMultiplexer redis, RedisOptions options, ILogger<RedisJobQueue> logger)
    {
        _redis = redis;
        _keys = new RedisKeys(options.RedisPrefix);
        _options = options;
        _logger = logger;
        _onWake = (_, _) => _wake.Fire();
        // Reconnected: whatever was published meanwhile is lost, so look again.
        _redis.ConnectionRestored += OnConnectionRestored;
        _renewal = Task.Run(RenewLoopAsync);
    }

    private IDatabase Db => _redis.GetDatabase();

    private long TimeoutMs => (long)_options.VisibilityTimeout.TotalMilliseconds;

    /// <summary>Listens for wake-ups; the subscription survives reconnects.</summary>
    public Task StartAsync() => _redis.GetSubscriber().SubscribeAsync(_keys.QueueWake, _onWake);

    /// <summary>KEYS of every script that touches lanes, in the order RedisScripts documents.</summary>
    private RedisKey[] LaneKeys => [_keys.Queue, _keys.Jobs, _keys.Lanes, _keys.Served, _keys.Callers];

    public ValueTask EnqueueAsync(IReadOnlyList<string> tokens, CancellationToken ct) => EnqueueAsync(FairShare.Unattributed, tokens, ct);

    public async ValueTask EnqueueAsync(string caller, IReadOnlyList<string> tokens, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (tokens.Count == 0)
        {
            return;
        }
        var args = new RedisValue[3 + 2 * tokens.Count];
        args[0] = _keys.LanePrefix;
        args[1] = _keys.QueueWake.ToString();
        args[2] = FairShare.Normalize(caller);
        for (var i = 0; i < tokens.Count; i++)
        {
            args[3 + 2 * i] = Guid.NewGuid().ToString("N");
            args[4 + 2 * i] = tokens[i];
        }
        await Db.ScriptEvaluateAsync(RedisScripts.Enqueue, LaneKeys, args);
    }

    public async ValueTask<GroupsEnqueued> EnqueueGroupsAsync(IReadOnlyList<JobGroup> groups, long maxWaiting, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var args = new RedisValue[3 + 2 * groups.Count + 2 * groups.Sum(g => g.Tokens.Count)];
        args[0] = _keys.LanePrefix;
        args[1] = _keys.QueueWake.ToString();
        args[2] = maxWaiting;
        var i = 3;
        foreach (var group in groups)
        {
            args[i++] = FairShare.Normalize(group.Caller);
            args[i++] = group.Tokens.Count;
            foreach (var token in group.Tokens)
            {
                args[i++] = Guid.NewGuid().ToString("N");
                args[i++] = token;
            }
        }
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.EnqueueGroups, LaneKeys, args))!;
        var accepted = new bool[groups.Count];
        for (var g = 0; g < accepted.Length; g++)
        {
            accepted[g] = (long)result[g + 1] == 1;
        }
        return new GroupsEnqueued(accepted, (long)result[0]);
    }

    public async ValueTask<ClaimedJob> ClaimAsync(string workerId, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var wake = _wake.Next;
            var result = await Db.ScriptEvaluateAsync(
                RedisScripts.Claim, [.. LaneKeys, _keys.Attempts, _keys.Claims], [_keys.LanePrefix, TimeoutMs, Nonce(workerId)]);
            if (!result.IsNull)
            {
                // Returned even if cancelled meanwhile: dropping it would strand it until its deadline.
                var fields = (RedisResult[])result!;
                var job = new ClaimedJob((string)fields[0]!, (int)fields[1], (string)fields[2]!);
                _held[job.Receipt] = job;
                return job;
            }
            try
            {
                await wake.WaitAsync(TimeSpan.FromSeconds(_options.ClaimPollSeconds), ct);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    public async ValueTask CompleteAsync(ClaimedJob job, CancellationToken ct)
    {
        // Stop renewing first: if this call fails, the claim lapses and the job comes back
        // (the worker finds it finished) instead of being held by this process for ever.
        _held.TryRemove(job.Receipt, out _);
        await Db.ScriptEvaluateAsync(RedisScripts.Complete, [_keys.Claims, _keys.Jobs, _keys.Attempts, _keys.Callers], [job.Receipt, JobId(job)]);
    }

    public async ValueTask ReleaseAsync(ClaimedJob job, CancellationToken ct)
    {
        _held.TryRemove(job.Receipt, out _);
        await Db.ScriptEvaluateAsync(
            RedisScripts.Release, [.. LaneKeys, _keys.Attempts, _keys.Claims], [_keys.LanePrefix, job.Receipt, JobId(job), _keys.QueueWake.ToString()]);
    }

    public async ValueTask DeadLetterAsync(ClaimedJob job, string reason, CancellationToken ct)
    {
        _held.TryRemove(job.Receipt, out _);
        await Db.ScriptEvaluateAsync(
            RedisScripts.DeadLetter, [_keys.Claims, _keys.Jobs, _keys.Attempts, _keys.DeadLetters, _keys.Callers], [job.Receipt, JobId(job), job.Token, reason]);
    }

    public async ValueTask<long> CountAsync(CancellationToken ct) =>
        (long)await Db.ScriptEvaluateAsync(RedisScripts.Count, LaneKeys, [_keys.LanePrefix]).WaitAsync(ct);

    /// <summary>Puts the jobs of expired claims back at the head; safe to run in many processes at once.</summary>
    public async Task<long> RequeueExpiredAsync()
    {
        long total = 0;
        while (true)
        {
            const int batch = 100;
            var moved = (long)await Db.ScriptEvaluateAsync(
                RedisScripts.RequeueExpired, [.. LaneKeys, _keys.Claims], [_keys.LanePrefix, _keys.QueueWake.ToString(), batch]);
            total += moved;
            if (moved < batch)
            {
                return total;
            }
        }
    }

    /// <summary>Pushes the deadline of every claim this process holds one timeout into the future.</summary>
    public async Task RenewAsync()
    {
        var receipts = _held.Keys.ToArray();
        if (receipts.Length == 0)
        {
            return;
        }
        var args = new RedisValue[receipts.Length + 1];
        args[0] = TimeoutMs;
        for (var i = 0; i < receipts.Length; i++)
        {
            args[i + 1] = receipts[i];
        }
        var lost = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.Renew, [_keys.Claims], args))!;
        foreach (var receipt in lost)
        {
            // Renewed too late (a long outage or pause): the job went back to the queue and may run twice.
            if (_held.TryRemove((string)receipt!, out var job))
            {
                _logger.LogWarning("Claim on submission {Token} expired before it was renewed; the job was re-queued", job.Token);
            }
        }
    }

    /// <summary>Every token the queue holds, waiting or claimed.</summary>
    internal async Task<HashSet<string>> KnownTokensAsync() =>
        (await Db.HashValuesAsync(_keys.Jobs)).Select(v => (string)v!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Claimed and not yet completed, released or dead-lettered (any process).</summary>
    internal Task<long> ClaimedCountAsync() => Db.SortedSetLengthAsync(_keys.Claims);

    internal async Task<IReadOnlyDictionary<string, string>> DeadLettersAsync() =>
        (await Db.HashGetAllAsync(_keys.DeadLetters)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);

    /// <summary>Unique per delivery; names the worker so `ZRANGE claims` shows who holds what.</summary>
    private static string Nonce(string workerId) => Guid.NewGuid().ToString("N")[..12] + "@" + workerId;

    private static string JobId(ClaimedJob job) => job.Receipt[..job.Receipt.IndexOf(':')];

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _wake.Fire();
        // After an outage longer than a renewal period, renew before another process's sweep
        // mistakes these live claims for abandoned ones.
        _ = Task.Run(RenewQuietlyAsync);
    }

    private async Task RenewQuietlyAsync()
    {
        try
        {
            await RenewAsync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogWarning("Renewing {Count} claim(s) failed: {Error}", _held.Count, e.Message);
        }
    }

    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.SweepInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await RenewQuietlyAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops renewing without handing anything back, exactly like a process that died.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        _redis.ConnectionRestored -= OnConnectionRestored;
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_keys.QueueWake, _onWake);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
        }
        await _stop.CancelAsync();
        await _renewal;
    }
}
