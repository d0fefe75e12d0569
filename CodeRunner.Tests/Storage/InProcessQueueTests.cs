using CodeRunner.Storage;
using CodeRunner.Storage.InProcess;

namespace CodeRunner.Tests.Storage;

public sealed class InProcessQueueTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Given_enqueued_jobs_Then_claimed_in_order_counted_until_claimed_and_tracked_until_completed()
    {
        var queue = new InProcessJobQueue();
        await queue.EnqueueAsync(["a", "b"], Ct);

        Assert.Equal(2, await queue.CountAsync(Ct));
        var first = await queue.ClaimAsync("w", Ct);
        Assert.Equal(("a", 1), (first.Token, first.Attempt));
        Assert.Equal(1, await queue.CountAsync(Ct));
        Assert.Equal(1, queue.ClaimedCount);
        await queue.CompleteAsync(first, Ct);
        Assert.Equal(0, queue.ClaimedCount);
    }

    [Fact]
    public async Task Given_released_job_Then_it_is_claimable_again_once()
    {
        var queue = new InProcessJobQueue();
        await queue.EnqueueAsync(["a"], Ct);
        var job = await queue.ClaimAsync("w", Ct);

        await queue.ReleaseAsync(job, Ct);
        await queue.ReleaseAsync(job, Ct);

        Assert.Equal(1, await queue.CountAsync(Ct));
        Assert.Equal("a", (await queue.ClaimAsync("w2", Ct)).Token);
    }

    [Fact]
    public async Task Given_empty_queue_Then_claim_waits_until_a_job_arrives_or_is_cancelled()
    {
        var queue = new InProcessJobQueue();
        var claim = queue.ClaimAsync("w", Ct).AsTask();
        await Task.Delay(50);
        Assert.False(claim.IsCompleted);

        await queue.EnqueueAsync(["late"], Ct);
        Assert.Equal("late", (await claim.WaitAsync(TimeSpan.FromSeconds(5))).Token);

        using var cancel = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.ClaimAsync("w", cancel.Token).AsTask());
    }

    [Fact]
    public async Task Given_concurrent_claimers_Then_every_job_goes_to_exactly_one()
    {
        var queue = new InProcessJobQueue();
        var tokens = Enumerable.Range(0, 200).Select(i => $"t{i}").ToList();
        await queue.EnqueueAsync(tokens, Ct);

        var claimers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (await queue.CountAsync(Ct) > 0)
            {
                using var cancel = new CancellationTokenSource(100);
                try
                {
                    mine.Add((await queue.ClaimAsync($"w{w}", cancel.Token)).Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return mine;
        }));
        var claimed = (await Task.WhenAll(claimers)).SelectMany(m => m).ToList();

        Assert.Equal(tokens.Count, claimed.Count);
        Assert.Equal(tokens.ToHashSet(), claimed.ToHashSet());
    }

    [Fact]
    public async Task Given_heartbeats_Then_registry_lists_only_recent_workers()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var registry = new InProcessWorkerRegistry(time, TimeSpan.FromSeconds(30));
        await registry.HeartbeatAsync(new WorkerState("old", "h", 1, 0, false, 0, time.GetUtcNow().AddMinutes(-5)), Ct);
        await registry.HeartbeatAsync(new WorkerState("new", "h", 2, 1, false, 0, time.GetUtcNow()), Ct);

        Assert.Equal(["new"], (await registry.ListAsync(Ct)).Select(w => w.Id));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
