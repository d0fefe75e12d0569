using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Distributed;

/// <summary>
/// The judge tier as separate processes against real PostgreSQL and Redis, with parts taken away
/// under load. Each test builds its own cluster; every loop is bounded in count and time.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed partial class FaultTests
{
    private static object Doubler(int i) => new { language_id = 46, source_code = "read x; echo $((x * 2))", stdin = i.ToString() };

    private static object Sleeper(int i, double seconds) =>
        new { language_id = 71, source_code = $"import time\ntime.sleep({seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)})\nprint({i})" };

    /// <summary>
    /// How many times each token was finished (stored as final) across the workers' logs. A worker
    /// logs just after storing, so a result can be seen a moment before its line: waits (up to 10 s)
    /// until every token has one.
    /// </summary>
    private static Task<Dictionary<string, int>> FinishesAsync(DistributedCluster cluster, IReadOnlyList<string> tokens) =>
        Poll.UntilAsync(
            () => cluster.Workers.SelectMany(w => FinishedLine().Matches(w.Output).Select(m => m.Groups[1].Value))
                .GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count()),
            finishes => tokens.All(finishes.ContainsKey),
            TimeSpan.FromSeconds(10));

    [GeneratedRegex(@"Submission ([0-9a-f\-]{36}) finished")]
    private static partial Regex FinishedLine();

    private static HttpClient Client(CodeRunnerProcess server) => new() { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Given_two_servers_and_two_workers_Then_a_thousand_submissions_through_both_servers_all_finish_correctly_once()
    {
        await using var cluster = await DistributedCluster.StartAsync(servers: 2, workers: 2);
        var clients = cluster.Servers.Select(Client).ToArray();

        var tokens = new string[1000];
        await Parallel.ForEachAsync(Enumerable.Range(0, tokens.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            tokens[i] = await DistributedCluster.SubmitAsync(clients[i % 2], Doubler(i)));
        var results = await cluster.WaitAllAsync(clients[0], tokens, TimeSpan.FromMinutes(4));

        for (var i = 0; i < tokens.Length; i++)
        {
            Assert.Equal(3, results[tokens[i]]["status"]!["id"]!.GetValue<int>());
            Assert.Equal($"{i * 2}\n", results[tokens[i]]["stdout"]!.GetValue<string>());
        }
        var finishes = await FinishesAsync(cluster, tokens);
        Assert.All(tokens, t => Assert.Equal(1, finishes.GetValueOrDefault(t)));
        Assert.All(cluster.Workers, w => Assert.Contains("finished", w.Output));
    }

    [Fact]
    public async Task Given_a_worker_killed_while_running_jobs_Then_every_submission_still_finishes_and_none_twice()
    {
        await using var cluster = await DistributedCluster.StartAsync(servers: 1, workers: 2, ("Storage__VisibilityTimeoutSeconds", "3"));
        using var client = Client(cluster.Servers[0]);
        var tokens = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            tokens.Add(await DistributedCluster.SubmitAsync(client, Sleeper(i, 0.3)));
        }
        var victim = cluster.Workers[0];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!FinishedLine().IsMatch(victim.Output))
        {
            Assert.True(DateTime.UtcNow < deadline, "the first worker never finished a job");
            await Task.Delay(50);
        }

        var victimId = await WorkerIdAsync(victim);
        victim.Kill();
        var results = await cluster.WaitAllAsync(client, tokens, TimeSpan.FromMinutes(2));

        for (var i = 0; i < tokens.Count; i++)
        {
            Assert.Equal(3, results[tokens[i]]["status"]!["id"]!.GetValue<int>());
            Assert.Equal($"{i}\n", results[tokens[i]]["stdout"]!.GetValue<string>());
        }
        // SIGKILL can take the victim's last log lines with it (the console logger writes from a
        // queue), so a token with no "finished" line must have been stored by the victim itself.
        var finishes = await FinishesAsync(cluster, tokens);
        Assert.All(tokens, t =>
        {
            if (finishes.GetValueOrDefault(t) == 0)
            {
                Assert.Equal(victimId, results[t]["execution_host"]!.GetValue<string>());
            }
            else
            {
                Assert.Equal(1, finishes[t]);
            }
        });
    }

    [Fact]
    public async Task Given_redis_restarted_mid_load_Then_servers_answer_503_not_500_and_every_accepted_submission_finishes()
    {
        await using var cluster = await DistributedCluster.StartAsync(servers: 1, workers: 1);
        using var client = Client(cluster.Servers[0]);
        var accepted = new List<(int I, string Token)>();
        var codes = new List<HttpStatusCode>();

        async Task SubmitSomeAsync(int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                var response = await client.PostAsJsonAsync("/submissions", Doubler(i));
                codes.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    accepted.Add((i, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>()));
                }
            }
        }

        await SubmitSomeAsync(0, 30);
        await cluster.Redis.StopAsync();
        await SubmitSomeAsync(30, 10);
        var ready = await client.GetAsync("/health/ready");
        await cluster.Redis.StartAgainAsync();
        await cluster.Servers[0].WaitHealthyAsync("/health/ready", seconds: 30);
        await SubmitSomeAsync(40, 30);

        Assert.DoesNotContain(HttpStatusCode.InternalServerError, codes);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, codes);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("queue", await ready.Content.ReadAsStringAsync());
        var results = await cluster.WaitAllAsync(client, accepted.Select(a => a.Token).ToList(), TimeSpan.FromMinutes(2));
        Assert.All(accepted, a => Assert.Equal($"{a.I * 2}\n", results[a.Token]["stdout"]!.GetValue<string>()));
        Assert.True(accepted.Count >= 60, $"only {accepted.Count} accepted: {string.Join(",", codes)}");
    }

    [Fact]
    public async Task Given_postgres_restarted_mid_load_Then_servers_answer_503_readiness_reports_it_and_every_accepted_submission_finishes()
    {
        await using var cluster = await DistributedCluster.StartAsync(servers: 1, workers: 1);
        using var client = Client(cluster.Servers[0]);
        var accepted = new List<(int I, string Token)>();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            accepted.Add((i, await DistributedCluster.SubmitAsync(client, Doubler(i))));
        }

        await cluster.Postgres.StopAsync();
        for (var i = 30; i < 40; i++)
        {
            var response = await client.PostAsJsonAsync("/submissions", Doubler(i));
            codes.Add(response.StatusCode);
        }
        var ready = await client.GetAsync("/health/ready");
        var readyBody = await ready.Content.ReadAsStringAsync();
        await cluster.Postgres.StartAgainAsync();
        await cluster.Servers[0].WaitHealthyAsync("/health/ready", seconds: 30);
        for (var i = 40; i < 70; i++)
        {
            var response = await client.PostAsJsonAsync("/submissions", Doubler(i));
            codes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                accepted.Add((i, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>()));
            }
        }

        Assert.DoesNotContain(HttpStatusCode.InternalServerError, codes);
        Assert.True(codes.Take(10).All(c => c == HttpStatusCode.ServiceUnavailable), string.Join(",", codes));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("database unreachable", readyBody);
        Assert.True(accepted.Count >= 60, $"only {accepted.Count} accepted: {string.Join(",", codes)}");
        var results = await cluster.WaitAllAsync(client, accepted.Select(a => a.Token).ToList(), TimeSpan.FromMinutes(2));
        Assert.All(accepted, a => Assert.Equal($"{a.I * 2}\n", results[a.Token]["stdout"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Given_redis_that_lost_recent_jobs_but_not_its_epoch_Then_the_periodic_round_queues_them_again_from_the_database()
    {
        // A failover to a replica that lagged: the epoch key survived, the newest jobs did not.
        await using var cluster = await DistributedCluster.StartAsync(servers: 1, workers: 1,
            ("Storage__ReconcileSeconds", "1"), ("Storage__ReconcileAgeSeconds", "0"), ("Storage__EpochCheckSeconds", "3600"));
        using var client = Client(cluster.Servers[0]);
        var submitted = await SubmitThenLoseRedisDataAsync(cluster, client, keepEpoch: true);
        cluster.StartWorker();
        var results = await cluster.WaitAllAsync(client, submitted, TimeSpan.FromSeconds(60));

        for (var i = 0; i < submitted.Count; i++)
        {
            Assert.Equal($"{i * 2}\n", results[submitted[i]]["stdout"]!.GetValue<string>());
        }
        var logs = string.Join("\n", cluster.Servers.Concat(cluster.Workers).Select(p => p.Output));
        Assert.Contains("had lost", logs);
        Assert.DoesNotContain("no epoch key", logs);
    }

    [Fact]
    public async Task Given_redis_restarted_without_its_data_Then_unfinished_submissions_are_queued_again_within_seconds_not_after_a_reconcile_round()
    {
        // Default rounds (60 s, and only submissions older than 120 s): only the epoch check can be this quick.
        await using var cluster = await DistributedCluster.StartAsync(servers: 1, workers: 1, ("Storage__EpochCheckSeconds", "1"));
        using var client = Client(cluster.Servers[0]);
        var submitted = await SubmitThenLoseRedisDataAsync(cluster, client, keepEpoch: false);
        // The running server notices (a worker starting now would notice too, at its start).
        var noticed = Stopwatch.StartNew();
        while (!cluster.Servers[0].Output.Contains("no epoch key") && noticed.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }
        Assert.Contains("no epoch key", cluster.Servers[0].Output);
        cluster.StartWorker();
        var results = await cluster.WaitAllAsync(client, submitted, TimeSpan.FromSeconds(30));

        for (var i = 0; i < submitted.Count; i++)
        {
            Assert.Equal($"{i * 2}\n", results[submitted[i]]["stdout"]!.GetValue<string>());
        }
    }

    /// <summary>Ten submissions wait in Redis (no worker running), then Redis loses its keys (all, or all but the epoch).</summary>
    private static async Task<List<string>> SubmitThenLoseRedisDataAsync(DistributedCluster cluster, HttpClient client, bool keepEpoch)
    {
        // The first worker published the languages; with it gone, submissions wait in Redis.
        cluster.Workers[0].Terminate();
        Assert.True(await cluster.Workers[0].WaitForExitAsync(TimeSpan.FromSeconds(20)));
        var tokens = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            tokens.Add(await DistributedCluster.SubmitAsync(client, Doubler(i)));
        }

        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{cluster.Redis.Port},allowAdmin=true"))
        {
            var server = redis.GetServers()[0];
            if (keepEpoch)
            {
                var keys = server.Keys(pattern: "*").ToLookup(k => k.ToString().EndsWith(":epoch", StringComparison.Ordinal));
                Assert.NotEmpty(keys[true]);
                await redis.GetDatabase().KeyDeleteAsync(keys[false].ToArray());
            }
            else
            {
                await server.FlushAllDatabasesAsync();
            }
        }
        return tokens;
    }

    [Fact]
    public async Task Given_sigterm_to_a_busy_worker_Then_it_exits_cleanly_and_its_jobs_finish_or_are_handed_back()
    {
        await using var cluster = await DistributedCluster.StartAsync(servers: 1, workers: 1, ("Worker__StopGraceSeconds", "2"));
        using var client = Client(cluster.Servers[0]);
        var tokens = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            tokens.Add(await DistributedCluster.SubmitAsync(client, Sleeper(i, 4)));
        }
        await Task.Delay(1500);

        var stopping = cluster.Workers[0];
        stopping.Terminate();
        Assert.True(await stopping.WaitForExitAsync(TimeSpan.FromSeconds(20)), "worker did not stop");
        Assert.True(stopping.ExitCode == 0, cluster.Diagnostics());
        Assert.Contains("handed back", stopping.Output);
        cluster.StartWorker();
        var results = await cluster.WaitAllAsync(client, tokens, TimeSpan.FromMinutes(2));

        for (var i = 0; i < tokens.Count; i++)
        {
            Assert.Equal($"{i}\n", results[tokens[i]]["stdout"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Given_a_job_whose_workers_keep_dying_Then_it_is_dead_lettered_with_status_13()
    {
        await using var cluster = await DistributedCluster.StartAsync(servers: 1, workers: 1,
            ("Storage__VisibilityTimeoutSeconds", "2"), ("Worker__MaxAttempts", "2"));
        using var client = Client(cluster.Servers[0]);
        var token = await DistributedCluster.SubmitAsync(client, Sleeper(0, 15));

        for (var death = 0; death < 2; death++)
        {
            var worker = cluster.Workers[^1];
            // Running on this very worker: the execution host is its id.
            var workerId = await WorkerIdAsync(worker);
            await WaitForAsync(client, token, (status, host) => status == 2 && host == workerId);
            await Task.Delay(500);
            worker.Kill();
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(10));
            cluster.StartWorker();
        }
        var final = await WaitForAsync(client, token, (status, _) => status >= 3);

        Assert.Equal(13, final["status"]!["id"]!.GetValue<int>());
        Assert.Contains("will not be run again", final["message"]!.GetValue<string>());
    }

    /// <summary>The worker's id (what execution_host shows), from its health endpoint once it is up.</summary>
    private static async Task<string> WorkerIdAsync(CodeRunnerProcess worker)
    {
        await worker.WaitHealthyAsync();
        using var http = new HttpClient { BaseAddress = worker.Url };
        return JsonNode.Parse(await http.GetStringAsync("/health"))!["worker"]!.GetValue<string>();
    }

    private static async Task<JsonNode> WaitForAsync(HttpClient client, string token, Func<int, string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await client.GetAsync($"/submissions/{token}?fields=status,message,execution_host");
            if (response.IsSuccessStatusCode)
            {
                var node = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (condition(node["status"]!["id"]!.GetValue<int>(), node["execution_host"]?.GetValue<string>() ?? ""))
                {
                    return node;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"submission {token} never reached the expected state");
            await Task.Delay(100);
        }
    }
}

/// <summary>Cluster tests use most of the machine; they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DistributedCollection
{
    public const string Name = "distributed";
}
