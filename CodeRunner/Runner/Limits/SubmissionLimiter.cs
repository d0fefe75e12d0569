using System.Net;
using System.Threading.RateLimiting;
using CodeRunner.Runner.Auth;

namespace CodeRunner.Runner.Limits;

/// <summary>
/// Submission budgets in slot-seconds (<see cref="SlotSeconds"/>), token buckets that refill
/// evenly over RATE_LIMIT_WINDOW: each key or session has <see cref="RunnerOptions.SlotSecondsMax"/>,
/// and all anonymous sessions from one client address share <see cref="RunnerOptions.AddressSlotSecondsMax"/>
/// (anyone can open another session, nobody another address as cheaply). A request costs what its
/// submissions together may hold slots for, capped at the bucket's size, so the longest allowed
/// submission is always possible when the bucket is full (and then uses it all).
/// </summary>
internal sealed class SubmissionLimiter(RunnerOptions options) : IDisposable
{
    public const string PerCaller = "slot_seconds_per_caller";
    public const string PerAddress = "slot_seconds_per_address";

    private readonly PartitionedRateLimiter<string> _callers = Buckets(options.SlotSecondsMax, options.RateLimitWindow);
    private readonly PartitionedRateLimiter<string> _addresses = Buckets(options.AddressSlotSecondsMax, options.RateLimitWindow);

    /// <summary>Null when allowed (and taken from every budget), else the refusal; nothing is taken when refused.</summary>
    public Rejection? TryAcquire(Caller caller, IPAddress address, int slotSeconds)
    {
        List<(PartitionedRateLimiter<string> Limiter, string Key, int Limit, string Name)> budgets =
            caller.IsSession
                ? [(_addresses, address.ToString(), options.AddressSlotSecondsMax, PerAddress), (_callers, caller.Owner, options.SlotSecondsMax, PerCaller)]
                : [(_callers, caller.Owner, options.SlotSecondsMax, PerCaller)];
        foreach (var (limiter, key, limit, name) in budgets)
        {
            var permits = Math.Min(slotSeconds, limit);
            if ((limiter.GetStatistics(key)?.CurrentAvailablePermits ?? limit) < permits)
            {
                using var refused = limiter.AttemptAcquire(key, permits);
                if (!refused.IsAcquired)
                {
                    return Refuse(refused, name, limit, slotSeconds);
                }
                // Refilled in between: keep it, as the loop below would have taken it.
                budgets = budgets.Where(b => b.Name != name).ToList();
                break;
            }
        }
        foreach (var (limiter, key, limit, name) in budgets)
        {
            using var lease = limiter.AttemptAcquire(key, Math.Min(slotSeconds, limit));
            if (!lease.IsAcquired)
            {
                return Refuse(lease, name, limit, slotSeconds);
            }
        }
        return null;
    }

    private Rejection Refuse(RateLimitLease lease, string name, int limit, int cost)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.RateLimitWindow;
        var whose = name == PerAddress ? "all anonymous sessions from your address share" : "your key or session has";
        return new Rejection(retryAfter, name,
            $"this request needs {cost} slot-seconds (number_of_runs × wall_time_limit per submission); {whose} {limit} per {options.RateLimitWindow.TotalSeconds:0} s");
    }

    /// <summary>Refills evenly, about once a second (less often for a budget smaller than the window's seconds), not all at the window's end.</summary>
    private static PartitionedRateLimiter<string> Buckets(int limit, TimeSpan window)
    {
        var periods = (int)Math.Clamp(Math.Min(limit, window.TotalSeconds), 1, limit);
        return PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = (int)Math.Ceiling((double)limit / periods),
            ReplenishmentPeriod = window / periods,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public void Dispose()
    {
        _callers.Dispose();
        _addresses.Dispose();
    }

    /// <summary>A 429 naming the budget that refused.</summary>
    public sealed record Rejection(TimeSpan RetryAfter, string Limit, string Message) : IResult
    {
        public Task ExecuteAsync(HttpContext context) => RunnerRateLimits.WriteAsync(context, RetryAfter, Limit, Message);
    }
}
