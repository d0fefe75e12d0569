using CodeRunner.Hosting;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace CodeRunner.Tests.Lb;

/// <summary>
/// Judge-servers as separate processes on fixed addresses (so a killed one can come back on the
/// same one), sharing a private PostgreSQL and Redis, optionally one worker, behind a real lb
/// (the app with only the lb role, in this process) given them in JUDGE_SERVERS.
/// Every judge-server logs each request it receives, so a test can count where requests went.
/// </summary>
internal sealed class LbCluster : IAsyncDisposable
{
    public const string Token = "lb-test-token";
    private static int clusters;
    private readonly int _number = Interlocked.Increment(ref clusters);
    private readonly string _dir;
    private readonly Dictionary<string, string> _environment;
    private readonly List<string> _cgroupNames = [];

    private LbCluster(PostgresServer postgres, RedisServer redis, string database, string dir)
    {
        Postgres = postgres;
        Redis = redis;
        _dir = dir;
        _environment = new Dictionary<string, string>
        {
            ["POSTGRES_URL"] = PostgresServer.ToUrl(database),
            ["REDIS_URL"] = redis.Url,
            ["Storage__RedisPrefix"] = RedisServer.NewPrefix(),
            ["MAX_QUEUE_SIZE"] = "20000",
            ["AUTHN_TOKEN"] = Token,
            // One "Request starting ... /path" line per request the judge-server receives.
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        };
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public Uri[] ServerUrls { get; private set; } = [];

    public CodeRunnerProcess[] Servers { get; private set; } = [];

    public List<CodeRunnerProcess> Workers { get; } = [];

    public RunningApp Lb { get; private set; } = null!;

    public static async Task<LbCluster> StartAsync(int servers, bool worker)
    {
        var postgres = await PostgresServer.StartAsync();
        var redis = await RedisServer.StartAsync();
        var cluster = new LbCluster(postgres, redis, await postgres.CreateDatabaseAsync(), TestDirectory.Create("coderunner-lb-"));
        cluster.ServerUrls = Enumerable.Range(0, servers).Select(_ => new Uri($"http://127.0.0.1:{FreePort.Next()}")).ToArray();
        cluster.Servers = new CodeRunnerProcess[servers];
        for (var i = 0; i < servers; i++)
        {
            cluster.Servers[i] = cluster.StartServerProcess(i);
        }
        if (worker)
        {
            cluster.StartWorker();
        }
        await Task.WhenAll(Enumerable.Range(0, servers).Select(cluster.WaitServerReadyAsync));
        await Task.WhenAll(cluster.Workers.Select(w => w.WaitHealthyAsync()));
        cluster.Lb = await RunningApp.StartAsync(Roles.Lb,
            ("JUDGE_SERVERS", string.Join(",", cluster.ServerUrls.Select(u => u.ToString().TrimEnd('/')))));
        return cluster;
    }

    /// <summary>Starts judge-server <paramref name="index"/> again, on its old address.</summary>
    public async Task RestartServerAsync(int index)
    {
        await Servers[index].DisposeAsync();
        Servers[index] = StartServerProcess(index);
        await WaitServerReadyAsync(index);
    }

    /// <summary>The lb's own view: destination names ("judge-1", ...) it would route a request to now.</summary>
    public IReadOnlyList<string> Available()
    {
        var proxy = Lb.Services.GetRequiredService<IProxyStateLookup>();
        return proxy.TryGetCluster("judge-servers", out var state)
            ? state.DestinationsState.AvailableDestinations.Select(d => d.DestinationId).ToList()
            : [];
    }

    public HttpClient LbClient(bool authenticated = true)
    {
        var client = new HttpClient { BaseAddress = Lb.LbUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Add("X-Auth-Token", Token);
        }
        return client;
    }

    /// <summary>How many requests judge-server <paramref name="index"/> logged whose target contains <paramref name="marker"/>.</summary>
    public int Received(int index, string marker) =>
        Servers[index].Output.Split('\n').Count(line => line.Contains("Request starting") && line.Contains(marker));

    public string Diagnostics() => string.Join("\n", Servers.Concat(Workers).Select(p =>
        $"--- {p.Role} (pid {p.Pid}{(p.HasExited ? $", exited {p.ExitCode}" : "")}):\n{Tail(p.Output)}"));

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    private CodeRunnerProcess StartServerProcess(int index) =>
        CodeRunnerProcess.Start("judge-server", _dir, new Dictionary<string, string>(_environment)
        {
            ["Judge__Urls"] = ServerUrls[index].ToString().TrimEnd('/'),
        });

    private Task WaitServerReadyAsync(int index) =>
        Health.WaitAsync(ServerUrls[index], "/health/ready", TimeSpan.FromSeconds(60),
            giveUp: _ => Servers[index].HasExited ? $"judge-server {index} exited with {Servers[index].ExitCode}" : null,
            describe: () => Servers[index].Output);

    private void StartWorker()
    {
        var environment = new Dictionary<string, string>(_environment)
        {
            ["Sandbox__Slots"] = "2",
            ["Sandbox__CgroupName"] = $"coderunner-lb-{Environment.ProcessId}-{_number}",
            ["Sandbox__BoxRoot"] = Path.Combine(_dir, "boxes"),
            ["Sandbox__UidBase"] = (170000 + Environment.ProcessId % 1000 * 40 + _number * 4).ToString(),
        };
        _cgroupNames.Add(environment["Sandbox__CgroupName"]);
        Workers.Add(CodeRunnerProcess.Start("judge-worker", _dir, environment));
    }

    public async ValueTask DisposeAsync()
    {
        if (Lb is not null)
        {
            await Lb.DisposeAsync();
        }
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
