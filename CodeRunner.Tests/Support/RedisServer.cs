using StackExchange.Redis;

namespace CodeRunner.Tests.Support;

/// <summary>
/// A private Redis 7 (Debian's redis-server) on a loopback port, persisting like a managed one.
/// <see cref="Shared"/> serves ordinary tests (each with its own key prefix); fault tests start
/// their own with <see cref="StartAsync"/> so they can stop it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly Lazy<Task<RedisServer>> SharedServer = new(StartAsync);

    private readonly ServerProcess _process;
    private readonly string _dir;

    private RedisServer(string dir, int port, ServerProcess process)
    {
        _dir = dir;
        Port = port;
        _process = process;
    }

    public static Task<RedisServer> Shared => SharedServer.Value;

    public int Port { get; }

    /// <summary>REDIS_URL form.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public string Log => _process.Log;

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists("/usr/bin/redis-server"))
        {
            throw new InvalidOperationException("redis-server is not installed: scripts/install-deps test installs it");
        }
        var dir = TestDirectory.Create("coderunner-redis-");
        var port = FreePort.Next();
        var process = new ServerProcess("redis", new ProcessStartInfo("/usr/bin/redis-server",
        [
            // Like a managed Redis: what it acknowledged survives a restart.
            "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--dir", dir, "--daemonize", "no", "--protected-mode", "yes",
        ]));
        var server = new RedisServer(dir, port, process);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        _process.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return;
            }
            // LOADING: up, but still replaying its append-only file.
            catch (Exception e) when (e is RedisConnectionException || e is RedisServerException { Message: var m } && m.StartsWith("LOADING"))
            {
                if (DateTime.UtcNow > deadline || !_process.Running)
                {
                    throw new InvalidOperationException("Redis did not start: " + _process.Log, e);
                }
                await Task.Delay(50);
            }
        }
    }

    public Task StopAsync(bool kill = false) => _process.StopAsync(kill);

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
