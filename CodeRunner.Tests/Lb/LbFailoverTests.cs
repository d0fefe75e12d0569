using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Distributed;
using CodeRunner.Tests.Support;
using Xunit.Abstractions;

namespace CodeRunner.Tests.Lb;

/// <summary>
/// The lb (YARP) in front of two real judge-server processes sharing PostgreSQL and Redis:
/// spreading, failing over when one is killed under load, taking it back, and going not-ready
/// when none is left. Loads are bounded in count and time.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class LbFailoverTests(ITestOutputHelper output)
{
    /// <summary>Under load the passive check notices within about a second; 6 s allows for a slow machine.</summary>
    private const double MaxDetectionSeconds = 6;

    /// <summary>Without load only the probes notice: every 2 s, out after 2 failed in a row (about 4 s).</summary>
    private const double MaxProbeDetectionSeconds = 8;

    [Fact]
    public async Task Given_two_judge_servers_Then_requests_are_spread_over_both_with_the_auth_header_passed_through()
    {
        await using var cluster = await LbCluster.StartAsync(servers: 2, worker: false);
        using var client = cluster.LbClient();
        using var anonymous = cluster.LbClient(authenticated: false);
        const int requests = 200;

        var statuses = new HttpStatusCode[requests];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            statuses[i] = (await client.GetAsync($"/statuses?spread={i}")).StatusCode);
        var unauthenticated = await anonymous.GetAsync("/statuses?spread=anonymous");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        var received = await cluster.ReceivedAsync("/statuses?spread=", requests + 1);
        var (first, second) = (received[0], received[1]);
        output.WriteLine($"judge-1 received {first}, judge-2 received {second} of {requests + 1}");
        Assert.Equal(requests + 1, first + second);
        // Two random choices over two idle servers: about half each; below 25% is a broken policy.
        Assert.InRange(first, requests / 4, requests * 3 / 4 + 1);
        Assert.InRange(second, requests / 4, requests * 3 / 4 + 1);
    }

    [Fact]
    public async Task Given_a_judge_server_killed_under_load_Then_no_request_fails_once_the_lb_noticed_and_it_returns_after_a_restart()
    {
        await using var cluster = await LbCluster.StartAsync(servers: 2, worker: true);
        using var client = cluster.LbClient();
        var clock = Stopwatch.StartNew();

        var load = LoadOutcome.RunAsync(client, clock, TimeSpan.FromSeconds(12), maxRequests: 6000, loops: 4);
        await Task.Delay(TimeSpan.FromSeconds(3));
        cluster.Servers[0].Kill();
        // SIGKILL is not instant: until the process is gone it may still take a request. "After
        // the kill" starts when it has exited.
        Assert.True(await cluster.Servers[0].WaitForExitAsync(TimeSpan.FromSeconds(10)));
        var killedAt = clock.Elapsed.TotalSeconds;
        while (cluster.Available().Contains("judge-1") && clock.Elapsed.TotalSeconds < killedAt + 20)
        {
            await Task.Delay(10);
        }
        var noticedAt = clock.Elapsed.TotalSeconds;
        var outcomes = await load;

        var failures = outcomes.Where(o => o.Failed).ToList();
        var afterKill = outcomes.Count(o => o.StartedAt > killedAt);
        output.WriteLine($"{outcomes.Count} requests; judge-1 killed at {killedAt:F3} s; out of the lb's rotation after {noticedAt - killedAt:F3} s; " +
            $"{failures.Count} failed{(failures.Count > 0 ? $", the last ending {failures.Max(f => f.EndedAt) - killedAt:F3} s after the kill" : "")}; {afterKill} started after the kill");
        failures.ForEach(f => output.WriteLine(f.ToString()));
        Assert.InRange(noticedAt - killedAt, 0, MaxDetectionSeconds);
        Assert.DoesNotContain(failures, f => f.StartedAt >= noticedAt);
        // Requests that started after the kill were retried on judge-2 when judge-1 refused the connection.
        Assert.DoesNotContain(failures, f => f.StartedAt > killedAt);
        Assert.True(outcomes.Count(o => o.StartedAt > noticedAt) > 50, $"too little load after the failover\n{cluster.Diagnostics()}");

        var restartedAt = clock.Elapsed.TotalSeconds;
        await cluster.RestartServerAsync(0);
        while (!cluster.Available().Contains("judge-1") && clock.Elapsed.TotalSeconds < restartedAt + 60)
        {
            await Task.Delay(50);
        }
        await Health.WaitAsync(cluster.Lb.LbUrl, "/health/ready", TimeSpan.FromSeconds(30));
        output.WriteLine($"judge-1 back in rotation {clock.Elapsed.TotalSeconds - restartedAt:F3} s after its restart began");
        var back = new HttpStatusCode[100];
        for (var i = 0; i < back.Length; i++)
        {
            back[i] = (await client.GetAsync($"/statuses?back={i}")).StatusCode;
        }

        // Still in: the passive check does not take it out again for failures from before its restart.
        Assert.Contains("judge-1", cluster.Available());
        Assert.All(back, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.InRange(cluster.Received(0, "/statuses?back="), 10, 90);
    }

    [Fact]
    public async Task Given_both_judge_servers_down_Then_the_lb_is_not_ready_and_answers_503_but_stays_alive()
    {
        await using var cluster = await LbCluster.StartAsync(servers: 2, worker: false);
        using var client = cluster.LbClient();
        await Health.WaitAsync(cluster.Lb.LbUrl, "/health/ready", TimeSpan.FromSeconds(30));
        var ready = JsonNode.Parse(await client.GetStringAsync("/health/ready"))!;

        cluster.Servers[0].Kill();
        cluster.Servers[1].Kill();
        var clock = Stopwatch.StartNew();
        HttpResponseMessage readiness;
        while ((readiness = await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK && clock.Elapsed.TotalSeconds < 20)
        {
            await Task.Delay(50);
        }
        output.WriteLine($"/health/ready answered {(int)readiness.StatusCode} {clock.Elapsed.TotalSeconds:F3} s after both were killed");
        var proxied = await client.GetAsync("/statuses");
        var liveness = await client.GetAsync("/health");

        Assert.Equal(2, ready["healthy"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, MaxProbeDetectionSeconds);
        Assert.Equal(0, JsonNode.Parse(await readiness.Content.ReadAsStringAsync())!["healthy"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, proxied.StatusCode);
        Assert.NotNull(proxied.Headers.RetryAfter);
        Assert.Contains("no judge-server available", await proxied.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
    }
}
