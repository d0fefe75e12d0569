using System.Collections.Concurrent;
using CodeRunner.Storage;
using CodeRunner.Storage.Redis;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CodeRunner.Tests.Storage;

/// <summary>
/// The Redis queue across "processes" (one multiplexer each, sharing a key prefix), with a 1 s
/// visibility timeout. A process that dies is a queue disposed without completing its claims.
/// </summary>
public sealed class RedisQueueReliabilityTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly RedisOptions _options = RedisConnect.Options(visibilityTimeoutSeconds: 1);
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }

    [Fact]
    public async Task Given_claims_neither_completed_nor_renewed_Then_they_are_delivered_again_once_with_attempt_2_even_with_two_sweepers()
    {
        var dying = await ProcessAsync();
        var tokens = Enumerable.Range(0, 20).Select(i => $"t{i}").ToList();
        await dying.Queue.EnqueueAsync(tokens, Ct);
        for (var i = 0; i < tokens.Count; i++)
        {
            await dying.Queue.ClaimAsync("dying", Ct);
        }
        await dying.Queue.DisposeAsync();
        var survivor = await ProcessAsync();
        await StartSweeperAsync(survivor);
        await StartSweeperAsync(await ProcessAsync());

        Assert.Null(await TryClaimAsync(survivor.Queue, TimeSpan.FromMilliseconds(300)));
        var redelivered = new List<ClaimedJob>();
        for (var i = 0; i < tokens.Count; i++)
        {
            redelivered.Add(await survivor.Queue.ClaimAsync("survivor", Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        }

        Assert.Equal(tokens.ToHashSet(), redelivered.Select(j => j.Token).ToHashSet());
        Assert.All(redelivered, j => Assert.Equal(2, j.Attempt));
        Assert.Null(await TryClaimAsync(survivor.Queue, TimeSpan.FromSeconds(2.5)));
        Assert.Equal(0, await survivor.Queue.CountAsync(Ct));
    }

    [Fact]
    public async Task Given_a_claim_renewed_by_its_live_process_Then_it_is_not_delivered_again()
    {
        var worker = await ProcessAsync();
        var other = await ProcessAsync();
        await StartSweeperAsync(other);
        await worker.Queue.EnqueueAsync(["long-run"], Ct);
        var job = await worker.Queue.ClaimAsync("w", Ct);

        Assert.Null(await TryClaimAsync(other.Queue, TimeSpan.FromSeconds(3.5)));
        Assert.Equal(1, await other.Queue.ClaimedCountAsync());

        await worker.Queue.CompleteAsync(job, Ct);
        Assert.Equal(0, await other.Queue.ClaimedCountAsync());
    }

    [Fact]
    public async Task Given_a_released_job_Then_a_waiting_claimer_in_another_process_gets_it_at_once()
    {
        // Polled only every 30 s: a claim answered within 5 s was woken by the release.
        var options = new RedisOptions { RedisPrefix = _options.RedisPrefix, VisibilityTimeoutSeconds = _options.VisibilityTimeoutSeconds, ClaimPollSeconds = 30 };
        var first = await ProcessAsync(options);
        var second = await ProcessAsync(options);
        await first.Queue.EnqueueAsync(["a"], Ct);
        var job = await first.Queue.ClaimAsync("w1", Ct);
        var waiting = second.Queue.ClaimAsync("w2", Ct).AsTask();
        await Task.Delay(100);

        await first.Queue.ReleaseAsync(job, Ct);
        var woken = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.True(woken == waiting, "the waiting claimer was not woken by the release");
        var again = await waiting;
        Assert.Equal(("a", 1), (again.Token, again.Attempt));
    }

    [Fact]
    public async Task Given_a_released_job_Then_it_goes_back_to_the_head_of_the_queue()
    {
        var node = await ProcessAsync();
        await node.Queue.EnqueueAsync(["a", "b"], Ct);
        var job = await node.Queue.ClaimAsync("w", Ct);

        await node.Queue.ReleaseAsync(job, Ct);

        Assert.Equal("a", (await node.Queue.ClaimAsync("w", Ct)).Token);
    }

    [Fact]
    public async Task Given_a_worker_that_dies_mid_job_of_a_flooding_caller_Then_the_job_is_delivered_again_first_and_no_job_is_lost()
    {
        var dying = await ProcessAsync();
        await dying.Queue.EnqueueGroupsAsync([new JobGroup("flood", ["f1", "f2"]), new JobGroup("other", ["o1"])], maxWaiting: 100, Ct);
        Assert.Equal("f1", (await dying.Queue.ClaimAsync("dying", Ct)).Token);
        await dying.Queue.DisposeAsync();
        var survivor = await ProcessAsync();
        await StartSweeperAsync(survivor);
        // Bounded: the claim expires after 1 s and the sweep runs every third of that.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await survivor.Queue.CountAsync(Ct) < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var claimed = new List<ClaimedJob>();
        for (var i = 0; i < 3; i++)
        {
            var job = await survivor.Queue.ClaimAsync("survivor", Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            claimed.Add(job);
            await survivor.Queue.CompleteAsync(job, Ct);
        }

        // Re-delivered first (it has waited longest), then the turns go on: other, then flood.
        Assert.Equal([("f1", 2), ("o1", 1), ("f2", 1)], claimed.Select(j => (j.Token, j.Attempt)));
        Assert.Null(await TryClaimAsync(survivor.Queue, TimeSpan.FromMilliseconds(300)));
        Assert.Empty(await survivor.Queue.KnownTokensAsync());
    }

    [Fact]
    public async Task Given_jobs_left_in_the_single_list_of_an_older_version_Then_they_are_delivered_before_any_lane()
    {
        var node = await ProcessAsync();
        var keys = new RedisKeys(_options.RedisPrefix);
        var db = node.Redis.GetDatabase();
        await db.HashSetAsync(keys.Jobs, "old-id", "old");
        await db.ListLeftPushAsync(keys.Queue, "old-id");
        await node.Queue.EnqueueAsync("new-caller", ["new"], Ct);

        Assert.Equal(2, await node.Queue.CountAsync(Ct));
        Assert.Equal("old", (await node.Queue.ClaimAsync("w", Ct)).Token);
        Assert.Equal("new", (await node.Queue.ClaimAsync("w", Ct)).Token);
    }

    [Fact]
    public async Task Given_a_dead_lettered_job_of_a_process_that_then_dies_Then_it_is_never_delivered_again()
    {
        var dying = await ProcessAsync();
        var other = await ProcessAsync();
        await StartSweeperAsync(other);
        await dying.Queue.EnqueueAsync(["poison"], Ct);
        var job = await dying.Queue.ClaimAsync("w", Ct);

        await dying.Queue.DeadLetterAsync(job, "killed its workers", Ct);
        await dying.Queue.DisposeAsync();

        Assert.Null(await TryClaimAsync(other.Queue, TimeSpan.FromSeconds(2.5)));
        Assert.Equal("killed its workers", (await other.Queue.DeadLettersAsync())["poison"]);
    }

    [Fact]
    public async Task Given_a_stale_worker_completing_after_its_claim_expired_Then_the_new_delivery_stays_claimed()
    {
        var slow = await ProcessAsync();
        await slow.Queue.EnqueueAsync(["a"], Ct);
        var stale = await slow.Queue.ClaimAsync("slow", Ct);
        await slow.Queue.DisposeAsync();
        var other = await ProcessAsync();
        await StartSweeperAsync(other);
        var current = await other.Queue.ClaimAsync("other", Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        await other.Queue.CompleteAsync(stale, Ct);
        await other.Queue.ReleaseAsync(stale, Ct);

        Assert.Equal(2, current.Attempt);
        Assert.Equal(1, await other.Queue.ClaimedCountAsync());
        Assert.Equal(0, await other.Queue.CountAsync(Ct));
        await other.Queue.CompleteAsync(current, Ct);
        Assert.Equal(0, await other.Queue.ClaimedCountAsync());
    }

    [Fact]
    public async Task Given_eight_claimers_in_two_processes_Then_500_jobs_are_each_claimed_exactly_once()
    {
        var processes = new[] { await ProcessAsync(), await ProcessAsync() };
        var tokens = Enumerable.Range(0, 500).Select(i => $"job{i}").ToList();
        await processes[0].Queue.EnqueueAsync(tokens, Ct);
        var claimed = new ConcurrentBag<ClaimedJob>();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var claimers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var queue = processes[c % 2].Queue;
            while (claimed.Count < tokens.Count)
            {
                using var patience = CancellationTokenSource.CreateLinkedTokenSource(done.Token);
                patience.CancelAfter(200);
                try
                {
                    claimed.Add(await queue.ClaimAsync($"w{c}", patience.Token));
                }
                catch (OperationCanceledException) when (!done.IsCancellationRequested)
                {
                }
            }
        }));
        await Task.WhenAll(claimers);

        Assert.Equal(tokens.Count, claimed.Count);
        Assert.Equal(tokens.ToHashSet(), claimed.Select(j => j.Token).ToHashSet());
        Assert.Equal(tokens.Count, claimed.Select(j => j.Receipt).Distinct().Count());
        Assert.All(claimed, j => Assert.Equal(1, j.Attempt));
        Assert.Equal(500, await processes[1].Queue.ClaimedCountAsync());
    }

    private async Task<Node> ProcessAsync(RedisOptions? options = null)
    {
        var redis = await RedisConnect.ConnectAsync(await RedisServer.Shared);
        var queue = new RedisJobQueue(redis, options ?? _options, NullLogger<RedisJobQueue>.Instance);
        await queue.StartAsync();
        var process = new Node(redis, queue);
        _cleanup.Add(redis);
        _cleanup.Add(queue);
        return process;
    }

    private async Task StartSweeperAsync(Node process)
    {
        var signal = new RedisCompletionSignal(process.Redis, _options);
        var sweeper = new RedisQueueMaintenance(process.Queue, signal, _options, NullLogger<RedisQueueMaintenance>.Instance);
        await sweeper.StartAsync(Ct);
        _cleanup.Add(signal);
        _cleanup.Add(new Stop(sweeper));
    }

    private static async Task<ClaimedJob?> TryClaimAsync(IJobQueue queue, TimeSpan patience)
    {
        using var cancel = new CancellationTokenSource(patience);
        try
        {
            return await queue.ClaimAsync("probe", cancel.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private sealed record Node(ConnectionMultiplexer Redis, RedisJobQueue Queue);

    private sealed class Stop(BackgroundService service) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }
}
