using CodeRunner.Storage;
using CodeRunner.Storage.Redis;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CodeRunner.Tests.Storage;

/// <summary>A private Redis taken away (SIGKILL) and brought back under the same objects.</summary>
public sealed class RedisOutageTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Given_redis_stopped_Then_every_operation_fails_fast_and_the_same_objects_work_again_once_it_is_back()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await RedisConnect.ConnectAsync(server);
        var options = RedisConnect.Options();
        await using var queue = new RedisJobQueue(redis, options, NullLogger<RedisJobQueue>.Instance);
        await using var signal = new RedisCompletionSignal(redis, options);
        var registry = new RedisWorkerRegistry(redis, options, TimeSpan.FromSeconds(30), TimeProvider.System);
        await queue.StartAsync();
        await signal.StartAsync();
        await queue.EnqueueAsync(["before"], Ct);

        await server.StopAsync(kill: true);

        await FailsFast(() => queue.EnqueueAsync(["during"], Ct).AsTask());
        await FailsFast(() => queue.CountAsync(Ct).AsTask());
        await FailsFast(() => queue.ClaimAsync("w", Ct).AsTask());
        await FailsFast(() => signal.NotifyAsync("t", Ct).AsTask());
        await FailsFast(() => registry.HeartbeatAsync(new WorkerState("w", "h", 1, 0, false, 0, DateTimeOffset.UtcNow), Ct).AsTask());
        await FailsFast(() => registry.ListAsync(Ct).AsTask());

        await server.StartAgainAsync();
        await Eventually(() => queue.EnqueueAsync(["after"], Ct).AsTask());
        // The private server persists like a managed Redis: the job queued before the crash is still first.
        foreach (var expected in new[] { "before", "after" })
        {
            var job = await queue.ClaimAsync("w", Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(expected, job.Token);
            await queue.CompleteAsync(job, Ct);
        }
        using var waiter = signal.Subscribe("t2");
        await Eventually(async () =>
        {
            await signal.NotifyAsync("t2", Ct);
            await waiter.Completed.WaitAsync(TimeSpan.FromMilliseconds(500));
        });
        await registry.HeartbeatAsync(new WorkerState("w", "h", 1, 0, false, 0, DateTimeOffset.UtcNow), Ct);
        Assert.Equal(["w"], (await registry.ListAsync(Ct)).Select(w => w.Id));
    }

    [Fact]
    public async Task Given_redis_restarted_Then_every_local_waiter_is_woken_and_later_notifications_still_arrive()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await RedisConnect.ConnectAsync(server);
        await using var publisherRedis = await RedisConnect.ConnectAsync(server);
        var options = RedisConnect.Options();
        await using var signal = new RedisCompletionSignal(redis, options);
        await using var publisher = new RedisCompletionSignal(publisherRedis, options);
        await signal.StartAsync();
        using var first = signal.Subscribe("a");
        using var second = signal.Subscribe("b");

        await server.StopAsync(kill: true);
        await Task.Delay(500);
        Assert.False(first.Completed.IsCompleted);
        await server.StartAgainAsync();

        await first.Completed.WaitAsync(TimeSpan.FromSeconds(20));
        await second.Completed.WaitAsync(TimeSpan.FromSeconds(5));
        using var later = signal.Subscribe("c");
        await Eventually(async () =>
        {
            await publisher.NotifyAsync("c", Ct);
            await later.Completed.WaitAsync(TimeSpan.FromMilliseconds(500));
        });
    }

    [Fact]
    public async Task Given_redis_down_when_the_process_starts_Then_it_starts_anyway_and_subscribes_by_itself_when_redis_comes_up()
    {
        await using var server = await RedisServer.StartAsync();
        await server.StopAsync();
        await using var redis = await RedisConnect.ConnectAsync(server, waitUntilUp: false);
        var options = RedisConnect.Options();
        // Polled only every 30 s: a claim answered within 5 s was woken through the channel.
        options.ClaimPollSeconds = 30;
        await using var queue = new RedisJobQueue(redis, options, NullLogger<RedisJobQueue>.Instance);
        await using var signal = new RedisCompletionSignal(redis, options);
        var maintenance = new RedisQueueMaintenance(queue, signal, options, NullLogger<RedisQueueMaintenance>.Instance);
        var clock = Stopwatch.StartNew();
        await maintenance.StartAsync(Ct);
        Assert.True(clock.Elapsed < Fast, $"start took {clock.Elapsed}");

        await server.StartAgainAsync();

        await Eventually(() => queue.CountAsync(Ct).AsTask());
        var claim = queue.ClaimAsync("w", Ct).AsTask();
        await Task.Delay(100);
        await queue.EnqueueAsync(["first"], Ct);
        var woken = await Task.WhenAny(claim, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(woken == claim, "the claimer was not woken: the wake-up channel was not subscribed");
        Assert.Equal("first", (await claim).Token);
        using var waiter = signal.Subscribe("t");
        await Eventually(async () =>
        {
            await signal.NotifyAsync("t", Ct);
            await waiter.Completed.WaitAsync(TimeSpan.FromMilliseconds(500));
        });
        await maintenance.StopAsync(Ct);
        maintenance.Dispose();
    }

    private static async Task FailsFast(Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(operation);
        Assert.True(error is RedisConnectionException or RedisTimeoutException, $"{error.GetType().Name}: {error.Message}");
        Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
    }

    /// <summary>Retries until Redis is reachable again (reconnects back off up to the configured timeout).</summary>
    private static async Task Eventually(Func<Task> operation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await operation();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
