namespace CodeRunner.Storage.Redis;

/// <summary>
/// The queue's state changes, each one Lua script so it is atomic: two claimers never pop the same
/// job and two sweepers never re-queue the same expired claim. Deadlines use the Redis server's
/// clock (TIME), so the machines' clocks need not agree.
/// </summary>
internal static class RedisScripts
{
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    /// <summary>KEYS: queue, jobs. ARGV: wake channel, then id, token pairs.</summary>
    public const string Enqueue = """
        for i = 2, #ARGV, 2 do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
          redis.call('LPUSH', KEYS[1], ARGV[i])
        end
        redis.call('PUBLISH', ARGV[1], '')
        return (#ARGV - 1) / 2
        """;

    /// <summary>
    /// KEYS: queue, jobs. ARGV: wake channel, the most jobs that may wait, then per group its size
    /// n and n id, token pairs. A group that does not fit is skipped whole. Returns {jobs waiting
    /// after, then 1 or 0 per group}.
    /// </summary>
    public const string EnqueueGroups = """
        local max = tonumber(ARGV[2])
        local waiting = redis.call('LLEN', KEYS[1])
        local result = {0}
        local any = false
        local i = 3
        while i <= #ARGV do
          local n = tonumber(ARGV[i])
          if waiting + n <= max then
            for j = i + 1, i + 2 * n, 2 do
              redis.call('HSET', KEYS[2], ARGV[j], ARGV[j + 1])
              redis.call('LPUSH', KEYS[1], ARGV[j])
            end
            waiting = waiting + n
            any = true
            result[#result + 1] = 1
          else
            result[#result + 1] = 0
          end
          i = i + 1 + 2 * n
        end
        result[1] = waiting
        if any then redis.call('PUBLISH', ARGV[1], '') end
        return result
        """;

    /// <summary>KEYS: queue, jobs, attempts, claims. ARGV: timeout ms, nonce. Returns {token, attempt, receipt} or nil.</summary>
    public const string Claim = Now + """

        while true do
          local id = redis.call('RPOP', KEYS[1])
          if not id then return false end
          local token = redis.call('HGET', KEYS[2], id)
          -- An id without a token was completed or dead-lettered meanwhile: drop it.
          if token then
            local attempt = redis.call('HINCRBY', KEYS[3], id, 1)
            local receipt = id .. ':' .. ARGV[2]
            redis.call('ZADD', KEYS[4], now + tonumber(ARGV[1]), receipt)
            return {token, attempt, receipt}
          end
        end
        """;

    /// <summary>KEYS: claims. ARGV: timeout ms, receipts. Returns the receipts no longer claimed.</summary>
    public const string Renew = Now + """

        local lost = {}
        for i = 2, #ARGV do
          if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
            redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i])
          else
            lost[#lost + 1] = ARGV[i]
          end
        end
        return lost
        """;

    /// <summary>KEYS: claims, jobs, attempts. ARGV: receipt, id. Returns 1 if the delivery was still claimed.</summary>
    public const string Complete = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[2])
        redis.call('HDEL', KEYS[3], ARGV[2])
        return 1
        """;

    /// <summary>
    /// KEYS: claims, attempts, queue. ARGV: receipt, id, wake channel. Back at the head with the
    /// same attempt: a graceful hand-back is not a failure.
    /// </summary>
    public const string Release = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
        redis.call('RPUSH', KEYS[3], ARGV[2])
        redis.call('PUBLISH', ARGV[3], '')
        return 1
        """;

    /// <summary>KEYS: claims, jobs, attempts, dead letters. ARGV: receipt, id, token, reason.</summary>
    public const string DeadLetter = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[2])
        redis.call('HDEL', KEYS[3], ARGV[2])
        redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
        return 1
        """;

    /// <summary>
    /// KEYS: claims, queue. ARGV: wake channel, batch size. Expired claims go back to the head: they
    /// have waited longest. The ZREM inside the same script is what makes it exactly once.
    /// </summary>
    public const string RequeueExpired = Now + """

        local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
        for _, receipt in ipairs(expired) do
          redis.call('ZREM', KEYS[1], receipt)
          redis.call('RPUSH', KEYS[2], string.match(receipt, '^([^:]+):'))
        end
        if #expired > 0 then redis.call('PUBLISH', ARGV[1], '') end
        return #expired
        """;
}
