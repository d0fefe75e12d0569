using CodeRunner.Storage;

namespace CodeRunner.Tests.Storage;

/// <summary>What every <see cref="IJobQueue"/> does, in-process or in Redis.</summary>
public abstract class JobQueueContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    private IJobQueue _queue = null!;

    protected abstract Task<IJobQueue> CreateQueueAsync();

    /// <summary>Claimed and not yet completed, released or dead-lettered.</summary>
    protected abstract Task<long> ClaimedCountAsync();

    protected abstract Task<IReadOnlyDictionary<string, string>> DeadLettersAsync();

    public async Task InitializeAsync() => _queue = await CreateQueueAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Given_enqueued_jobs_Then_claimed_in_order_counted_until_claimed_and_tracked_until_completed()
    {
        await _queue.EnqueueAsync(["a", "b"], Ct);

        Assert.Equal(2, await _queue.CountAsync(Ct));
        var first = await _queue.ClaimAsync("w", Ct);
        Assert.Equal(("a", 1), (first.Token, first.Attempt));
        Assert.Equal(1, await _queue.CountAsync(Ct));
        Assert.Equal(1, await ClaimedCountAsync());
        await _queue.CompleteAsync(first, Ct);
        Assert.Equal(0, await ClaimedCountAsync());
    }

    [Fact]
    public async Task Given_released_job_Then_it_is_claimable_again_once_with_the_same_attempt()
    {
        await _queue.EnqueueAsync(["a"], Ct);
        var job = await _queue.ClaimAsync("w", Ct);

        await _queue.ReleaseAsync(job, Ct);
        await _queue.ReleaseAsync(job, Ct);

        Assert.Equal(1, await _queue.CountAsync(Ct));
        var again = await _queue.ClaimAsync("w2", Ct);
        Assert.Equal(("a", 1), (again.Token, again.Attempt));
        Assert.NotEqual(job.Receipt, again.Receipt);
    }

    [Fact]
    public async Task Given_empty_queue_Then_claim_waits_until_a_job_arrives_or_is_cancelled()
    {
        var claim = _queue.ClaimAsync("w", Ct).AsTask();
        await Task.Delay(50);
        Assert.False(claim.IsCompleted);

        await _queue.EnqueueAsync(["late"], Ct);
        Assert.Equal("late", (await claim.WaitAsync(TimeSpan.FromSeconds(5))).Token);

        using var cancel = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _queue.ClaimAsync("w", cancel.Token).AsTask());
    }

    [Fact]
    public async Task Given_concurrent_claimers_Then_every_job_goes_to_exactly_one()
    {
        var tokens = Enumerable.Range(0, 200).Select(i => $"t{i}").ToList();
        await _queue.EnqueueAsync(tokens, Ct);

        var claimers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (await _queue.CountAsync(Ct) > 0)
            {
                using var cancel = new CancellationTokenSource(100);
                try
                {
                    mine.Add((await _queue.ClaimAsync($"w{w}", cancel.Token)).Token);
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
    public async Task Given_dead_lettered_job_Then_it_is_kept_with_its_reason_and_never_delivered_again()
    {
        await _queue.EnqueueAsync(["poison"], Ct);
        var job = await _queue.ClaimAsync("w", Ct);

        await _queue.DeadLetterAsync(job, "killed 3 workers", Ct);
        await _queue.ReleaseAsync(job, Ct);

        Assert.Equal(0, await _queue.CountAsync(Ct));
        Assert.Equal(0, await ClaimedCountAsync());
        Assert.Equal("killed 3 workers", (await DeadLettersAsync())["poison"]);
        using var cancel = new CancellationTokenSource(300);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _queue.ClaimAsync("w", cancel.Token).AsTask());
    }

    [Fact]
    public async Task Given_the_same_token_enqueued_twice_Then_it_is_delivered_twice()
    {
        await _queue.EnqueueAsync(["same", "same"], Ct);

        var first = await _queue.ClaimAsync("w", Ct);
        var second = await _queue.ClaimAsync("w", Ct);
        await _queue.CompleteAsync(first, Ct);

        Assert.Equal(("same", "same"), (first.Token, second.Token));
        Assert.Equal(1, await ClaimedCountAsync());
    }

    [Fact]
    public async Task Given_groups_beyond_the_limit_Then_each_group_is_enqueued_whole_or_not_at_all()
    {
        await _queue.EnqueueAsync(["old"], Ct);

        var result = await _queue.EnqueueGroupsAsync([["a", "b"], ["c", "d", "e"], ["f"], ["g"]], maxWaiting: 4, Ct);

        Assert.Equal([true, false, true, false], result.Accepted);
        Assert.Equal(4, result.Waiting);
        Assert.Equal(4, await _queue.CountAsync(Ct));
        var claimed = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var job = await _queue.ClaimAsync("w", Ct);
            claimed.Add(job.Token);
            await _queue.CompleteAsync(job, Ct);
        }
        Assert.Equal(["old", "a", "b", "f"], claimed);
    }

    [Fact]
    public async Task Given_concurrent_group_enqueues_at_a_limit_Then_exactly_the_limit_is_accepted()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            _queue.EnqueueGroupsAsync([[$"t{i}"]], maxWaiting: 25, Ct).AsTask()));

        Assert.Equal(25, results.Count(r => r.Accepted[0]));
        Assert.Equal(25, await _queue.CountAsync(Ct));
    }

    [Fact]
    public async Task Given_a_callers_backlog_When_another_caller_enqueues_Then_the_callers_are_served_in_turn()
    {
        await _queue.EnqueueGroupsAsync([new JobGroup("flood", ["f1", "f2", "f3", "f4"])], maxWaiting: 100, Ct);
        var running = await _queue.ClaimAsync("w", Ct);

        await _queue.EnqueueGroupsAsync([new JobGroup("other", ["o1", "o2"])], maxWaiting: 100, Ct);

        Assert.Equal(5, await _queue.CountAsync(Ct));
        Assert.Equal(["f1", "o1", "f2", "o2", "f3", "f4"], [running.Token, .. await ClaimAllAsync(5)]);
    }

    [Fact]
    public async Task Given_a_callers_only_job_just_claimed_When_its_next_jobs_and_a_newcomers_arrive_Then_the_newcomer_goes_first()
    {
        await _queue.EnqueueAsync("flood", ["f1"], Ct);
        var running = await _queue.ClaimAsync("w", Ct);

        await _queue.EnqueueAsync("flood", ["f2", "f3"], Ct);
        await _queue.EnqueueAsync("newcomer", ["n1"], Ct);

        Assert.Equal(["f1", "n1", "f2", "f3"], [running.Token, .. await ClaimAllAsync(3)]);
    }

    [Fact]
    public async Task Given_a_caller_that_rejoins_with_one_job_each_time_Then_it_cannot_cut_in_front_of_a_waiting_backlog()
    {
        await _queue.EnqueueAsync("backlog", ["b1", "b2", "b3"], Ct);
        var claimed = new List<string> { (await _queue.ClaimAsync("w", Ct)).Token };

        for (var i = 1; i <= 2; i++)
        {
            await _queue.EnqueueAsync("trickle", [$"t{i}"], Ct);
            claimed.AddRange(await ClaimAllAsync(2));
        }

        Assert.Equal(["b1", "t1", "b2", "t2", "b3"], claimed);
    }

    [Fact]
    public async Task Given_a_released_job_of_a_caller_Then_it_comes_back_first_and_the_turns_go_on()
    {
        await _queue.EnqueueGroupsAsync([new JobGroup("a", ["a1", "a2"]), new JobGroup("b", ["b1"])], maxWaiting: 100, Ct);
        var first = await _queue.ClaimAsync("w", Ct);

        await _queue.ReleaseAsync(first, Ct);

        Assert.Equal(["a1", "b1", "a2"], await ClaimAllAsync(3));
    }

    private async Task<List<string>> ClaimAllAsync(int count)
    {
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var job = await _queue.ClaimAsync("w", Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            tokens.Add(job.Token);
            await _queue.CompleteAsync(job, Ct);
        }
        return tokens;
    }
}
