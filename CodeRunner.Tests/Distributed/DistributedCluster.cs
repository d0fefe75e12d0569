using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Distributed;

/// <summary>
/// The judge tier as separate processes, like separate machines: judge-servers and judge-workers
/// sharing one private PostgreSQL and one private Redis, which tests may stop and start.
/// </summary>
internal sealed class DistributedCluster : IAsyncDisposable
{
    private static int clusters;
    private readonly string _dir;
    private readonly Dictionary<string, string> _environment;
    private readonly int _number = Interlocked.Increment(ref clusters);
    private int _workers;
    private readonly List<string> _cgroupNames = [];

    private DistributedCluster(PostgresServer postgres, RedisServer redis, string database, string dir, IReadOnlyDictionary<string, string> settings)
    {
        Postgres = postgres;
        Redis = redis;
        _dir = dir;
        _environment = new Dictionary<string, string>
        {
            ["POSTGRES_URL"] = PostgresServer.ToUrl(database),
            ["REDIS_URL"] = redis.Url,
            ["Storage__RedisPrefix"] = RedisServer.NewPrefix(),
            ["MAX_QUEUE_SIZE"] = "5000",
        };
        foreach (var (key, value) in settings)
        {
            _environment[key] = value;
        }
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public List<CodeRunnerProcess> Servers { get; } = [];

    public List<CodeRunnerProcess> Workers { get; } = [];

    public static async Task<DistributedCluster> StartAsync(int servers, int workers, params (string Key, string Value)[] settings)
    {
        var postgres = await PostgresServer.StartAsync();
        var redis = await RedisServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        var dir = TestDirectory.Create("coderunner-cluster-");
        var cluster = new DistributedCluster(postgres, redis, database, dir, settings.ToDictionary(s => s.Key, s => s.Value));
        for (var i = 0; i < servers; i++)
        {
            cluster.StartServer();
        }
        for (var i = 0; i < workers; i++)
        {
            cluster.StartWorker();
        }
        await Task.WhenAll(cluster.Servers.Select(s => s.WaitHealthyAsync("/health/ready")));
        await Task.WhenAll(cluster.Workers.Select(w => w.WaitHealthyAsync()));
        return cluster;
    }

    /// <summary>A judge-server on a free port, or on <paramref name="url"/> (to come back on the same address).</summary>
    public CodeRunnerProcess StartServer(Uri? url = null)
    {
        var server = StartServerProcess(url);
        Servers.Add(server);
        return server;
    }

    /// <summary>Ends judge-server <paramref name="index"/> and starts it again on <paramref name="url"/>.</summary>
    public async Task<CodeRunnerProcess> RestartServerAsync(int index, Uri url)
    {
        await Servers[index].DisposeAsync();
        return Servers[index] = StartServerProcess(url);
    }

    private CodeRunnerProcess StartServerProcess(Uri? url) =>
        CodeRunnerProcess.Start("judge-server", _dir, url is null
            ? _environment
            : new Dictionary<string, string>(_environment) { ["Judge__Urls"] = url.ToString().TrimEnd('/') });

    /// <summary>A worker with its own cgroups, boxes and uids, as on its own machine.</summary>
    public CodeRunnerProcess StartWorker(int slots = 2)
    {
        var n = Interlocked.Increment(ref _workers);
        var environment = new Dictionary<string, string>(_environment)
        {
            ["Sandbox__Slots"] = slots.ToString(),
            ["Sandbox__CgroupName"] = $"coderunner-cluster-{Environment.ProcessId}-{_number}-{n}",
            ["Sandbox__BoxRoot"] = Path.Combine(_dir, $"boxes-{n}"),
            ["Sandbox__UidBase"] = (120000 + Environment.ProcessId % 1000 * 100 + _number * 20 + n * 4).ToString(),
        };
        _cgroupNames.Add(environment["Sandbox__CgroupName"]);
        var worker = CodeRunnerProcess.Start("judge-worker", _dir, environment);
        Workers.Add(worker);
        return worker;
    }

    public static async Task<string> SubmitAsync(HttpClient client, object submission)
    {
        var response = await client.PostAsJsonAsync("/submissions", submission);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["token"]!.GetValue<string>();
    }

    /// <summary>Polls every token through the batch endpoint until all are final.</summary>
    public async Task<Dictionary<string, JsonObject>> WaitAllAsync(HttpClient client, IReadOnlyList<string> tokens, TimeSpan timeout)
    {
        var done = new Dictionary<string, JsonObject>();
        var deadline = DateTime.UtcNow + timeout;
        while (done.Count < tokens.Count)
        {
            // Judge0 answers at most max_submission_batch_size (20) tokens per batch request.
            foreach (var chunk in tokens.Where(t => !done.ContainsKey(t)).Chunk(20))
            {
                var response = await client.GetAsync($"/submissions/batch?tokens={string.Join(',', chunk)}&fields=token,stdout,status,message,execution_host");
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }
                var batch = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["submissions"]!.AsArray();
                foreach (var item in batch.OfType<JsonObject>())
                {
                    if (item["status"]!["id"]!.GetValue<int>() >= 3)
                    {
                        done[item["token"]!.GetValue<string>()] = item;
                    }
                }
            }
            if (done.Count < tokens.Count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{tokens.Count - done.Count} of {tokens.Count} submissions unfinished\n{Diagnostics()}");
                await Task.Delay(200);
            }
        }
        return done;
    }

    /// <summary>The end of every process's output, for a failure message.</summary>
    public string Diagnostics() => string.Join("\n", Servers.Concat(Workers).Select(p =>
        $"--- {p.Role} (pid {p.Pid}{(p.HasExited ? $", exited {p.ExitCode}" : "")}):\n{Tail(p.Output)}"));

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Servers.Concat(Workers).Select(p => p.DisposeAsync().AsTask()));
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        HostLeftovers.Remove(_dir, _cgroupNames);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
