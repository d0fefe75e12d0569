using CodeRunner.Hosting;
using CodeRunner.Tests.Distributed;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;

namespace CodeRunner.Tests.Lb;

/// <summary>
/// Judge-servers as separate processes on fixed addresses (so a killed one can come back on the
/// same one), sharing a private PostgreSQL and Redis, optionally one worker (a
/// <see cref="DistributedCluster"/>), behind a real lb (the app with only the lb role, in this
/// process) given them in JUDGE_SERVERS. Every judge-server logs each request it receives, so a
/// test can count where requests went.
/// </summary>
internal sealed class LbCluster : IAsyncDisposable
{
    public const string Token = "lb-test-token";

    private readonly DistributedCluster _judges;

    private LbCluster(DistributedCluster judges, Uri[] serverUrls)
    {
        _judges = judges;
        ServerUrls = serverUrls;
    }

    public Uri[] ServerUrls { get; }

    public List<CodeRunnerProcess> Servers => _judges.Servers;

    public List<CodeRunnerProcess> Workers => _judges.Workers;

    public RunningApp Lb { get; private set; } = null!;

    public static async Task<LbCluster> StartAsync(int servers, bool worker)
    {
        var judges = await DistributedCluster.StartAsync(servers: 0, workers: worker ? 1 : 0,
            ("MAX_QUEUE_SIZE", "20000"),
            ("AUTHN_TOKEN", Token),
            // One "Request starting ... /path" line per request the judge-server receives.
            ("Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics", "Information"));
        var cluster = new LbCluster(judges, Enumerable.Range(0, servers).Select(_ => new Uri($"http://127.0.0.1:{FreePort.Next()}")).ToArray());
        foreach (var url in cluster.ServerUrls)
        {
            judges.StartServer(url);
        }
        await Task.WhenAll(Enumerable.Range(0, servers).Select(cluster.WaitServerReadyAsync));
        cluster.Lb = await RunningApp.StartAsync(Roles.Lb,
            ("JUDGE_SERVERS", string.Join(",", cluster.ServerUrls.Select(u => u.ToString().TrimEnd('/')))));
        return cluster;
    }

    /// <summary>Starts judge-server <paramref name="index"/> again, on its old address.</summary>
    public async Task RestartServerAsync(int index)
    {
        await _judges.RestartServerAsync(index, ServerUrls[index]);
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

    /// <summary>
    /// How many requests each judge-server logged with <paramref name="marker"/>, once all
    /// <paramref name="sent"/> are in the logs or 10 s passed: a server's log lines reach its output
    /// from a queue, a moment after the request.
    /// </summary>
    public Task<int[]> ReceivedAsync(string marker, int sent) =>
        Poll.UntilAsync(
            () => Enumerable.Range(0, Servers.Count).Select(i => Received(i, marker)).ToArray(),
            received => received.Sum() >= sent,
            TimeSpan.FromSeconds(10));

    public string Diagnostics() => _judges.Diagnostics();

    private Task WaitServerReadyAsync(int index) =>
        Health.WaitAsync(ServerUrls[index], "/health/ready", TimeSpan.FromSeconds(60),
            giveUp: _ => Servers[index].HasExited ? $"judge-server {index} exited with {Servers[index].ExitCode}" : null,
            describe: () => Servers[index].Output);

    public async ValueTask DisposeAsync()
    {
        if (Lb is not null)
        {
            await Lb.DisposeAsync();
        }
        await _judges.DisposeAsync();
    }
}
