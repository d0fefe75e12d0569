namespace CodeRunner.Storage.Redis;

/// <summary>
/// The queue's state changes, each one Lua script so it is atomic: two claimers never pop the same
/// job and two sweepers never re-queue the same expired claim. Deadlines use the Redis server's
/// clock (TIME), so the machines' clocks need not agree. Lane keys are built inside the scripts
/// from the lane prefix (ARGV), which a standalone Redis (what we deploy) allows and a Redis
/// Cluster would not.
/// </summary>
internal static class RedisScripts
{
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

        """;

    /// <summary>
    /// Lane helpers (FairShare): KEYS[1] the legacy queue, KEYS[2] jobs, KEYS[3] lanes, KEYS[4]
    /// served, KEYS[5] callers; LANE the lane key prefix.
    /// </summary>
    private const string Lanes = """
        local function join_score(caller)
          local served = redis.call('HMGET', KEYS[4], 'n', 'last')
          local n = tonumber(served[1] or '0')
          if served[2] == caller then return n end
          return n - 0.5
        end
        local function push(caller, id, token)
          redis.call('HSET', KEYS[2], id, token)
          redis.call('HSET', KEYS[5], id, caller)
          redis.call('LPUSH', LANE .. caller, id)
          redis.call('ZADD', KEYS[3], 'NX', join_score(caller), caller)
        end
        local function put_back(id)
          local caller = redis.call('HGET', KEYS[5], id) or ''
          redis.call('RPUSH', LANE .. caller, id)
          local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
          local score = join_score(caller)
          if #first > 0 then score = math.min(score, tonumber(first[2]) - 1) end
          redis.call('ZADD', KEYS[3], score, caller)
        end
        local function waiting()
          local n = redis.call('LLEN', KEYS[1])
          for _, caller in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
            n = n + redis.call('LLEN', LANE .. caller)
          end
          return n
        end

        """;

    /// <summary>KEYS: queue, jobs, lanes, served, callers. ARGV: lane prefix, wake channel, caller, then id, token pairs.</summary>
    public const string Enqueue = "local LANE = ARGV[1]\n" + Lanes + """
        for i = 4, #ARGV, 2 do
          push(ARGV[3], ARGV[i], ARGV[i + 1])
        end
        redis.call('PUBLISH', ARGV[2], '')
        return (#ARGV - 3) / 2
        """;

    /// <summary>
    /// KEYS: queue, jobs, lanes, served, callers. ARGV: lane prefix, wake channel, the most jobs that
    /// may wait, then per group its caller, its size n and n id, token pairs. A group that does not
    /// fit is skipped whole. Returns {jobs waiting after, then 1 or 0 per group}.
    /// </summary>
    public const string EnqueueGroups = "local LANE = ARGV[1]\n" + Lanes + """
        local max = tonumber(ARGV[3])
        local count = waiting()
        local result = {0}
        local any = false
        local i = 4
        while i <= #ARGV do
          local caller = ARGV[i]
          local n = tonumber(ARGV[i + 1])
          if count + n <= max then
            for j = i + 2, i + 1 + 2 * n, 2 do
              push(caller, ARGV[j], ARGV[j + 1])
            end
            count = count + n
            any = true
            result[#result + 1] = 1
          else
            result[#result + 1] = 0
          end
          i = i + 2 + 2 * n
        end
        result[1] = count
        if any then redis.call('PUBLISH', ARGV[2], '') end
        return result
        """;

    /// <summary>KEYS: queue, jobs, lanes, served, callers. ARGV: lane prefix. Returns the jobs waiting.</summary>
    public const string Count = "local LANE = ARGV[1]\n" + Lanes + "return waiting()\n";

    /// <summary>
    /// KEYS: queue, jobs, lanes, served, callers, attempts, claims. ARGV: lane prefix, timeout ms,
    /// nonce. Takes the legacy queue's head first, else the head of the lane served least recently.
    /// Returns {token, attempt, receipt} or nil.
    /// </summary>
    public const string Claim = "local LANE = ARGV[1]\n" + Now + """
        while true do
          local id = redis.call('RPOP', KEYS[1])
          if not id then
            local head = redis.call('ZRANGE', KEYS[3], 0, 0)
            if #head == 0 then return false end
            local lane = LANE .. head[1]
            id = redis.call('RPOP', lane)
            local served = redis.call('HINCRBY', KEYS[4], 'n', 1)
            redis.call('HSET', KEYS[4], 'last', head[1])
            if redis.call('LLEN', lane) == 0 then
              redis.call('ZREM', KEYS[3], head[1])
            else
              redis.call('ZADD', KEYS[3], served, head[1])
            end
          end
          -- An id without a token was completed or dead-lettered meanwhile: drop it.
          local token = id and redis.call('HGET', KEYS[2], id)
          if token then
            local attempt = redis.call('HINCRBY', KEYS[6], id, 1)
            local receipt = id .. ':' .. ARGV[3]
            redis.call('ZADD', KEYS[7], now + tonumber(ARGV[2]), receipt)
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

    /// <summary>KEYS: claims, jobs, attempts, callers. ARGV: receipt, id. Returns 1 if the delivery was still claimed.</summary>
    public const string Complete = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[2])
        redis.call('HDEL', KEYS[3], ARGV[2])
        redis.call('HDEL', KEYS[4], ARGV[2])
        return 1
        """;

    /// <summary>
    /// KEYS: queue, jobs, lanes, served, callers, attempts, claims. ARGV: lane prefix, receipt, id,
    /// wake channel. Back at the head of its lane, the lane first in line, with the same attempt:
    /// a graceful hand-back is not a failure.
    /// </summary>
    public const string Release = "local LANE = ARGV[1]\n" + Lanes + """
        if redis.call('ZREM', KEYS[7], ARGV[2]) == 0 then return 0 end
        redis.call('HINCRBY', KEYS[6], ARGV[3], -1)
        put_back(ARGV[3])
        redis.call('PUBLISH', ARGV[4], '')
        return 1
        """;

    /// <summary>KEYS: claims, jobs, attempts, dead letters, callers. ARGV: receipt, id, token, reason.</summary>
    public const string DeadLetter = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[2])
        redis.call('HDEL', KEYS[3], ARGV[2])
        redis.call('HDEL', KEYS[5], ARGV[2])
        redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
        return 1
        """;

    /// <summary>
    /// KEYS: queue, jobs, lanes, served, callers, claims. ARGV: lane prefix, wake channel, batch
    /// size. Expired claims go back to the head of their lanes, and those lanes first in line: they
    /// have waited longest. The ZREM inside the same script is what makes it exactly once.
    /// </summary>
    public const string RequeueExpired = "local LANE = ARGV[1]\n" + Now + Lanes + """
        local expired = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
        for _, receipt in ipairs(expired) do
          redis.call('ZREM', KEYS[6], receipt)
          put_back(string.match(receipt, '^([^:]+):'))
        end
        if #expired > 0 then redis.call('PUBLISH', ARGV[2], '') end
        return #expired
        """;
}
