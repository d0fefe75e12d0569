using Npgsql;

namespace CodeRunner.Tests.Support;

/// <summary>
/// A private PostgreSQL 15 (Debian's package) on a loopback port in a temporary folder, run as the
/// postgres system user. <see cref="Shared"/> serves ordinary tests (a fresh database each);
/// fault tests start their own with <see cref="StartAsync"/> so they can stop it.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";

    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(StartAsync);

    private readonly ServerProcess _process;
    private readonly string _dir;

    private PostgresServer(string dir, int port, ServerProcess process)
    {
        _dir = dir;
        Port = port;
        _process = process;
    }

    public static Task<PostgresServer> Shared => SharedServer.Value;

    public int Port { get; }

    /// <summary>The server's own "postgres" database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    public string Log => _process.Log;

    public static async Task<PostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "postgres")))
        {
            throw new InvalidOperationException("PostgreSQL 15 is not installed: scripts/install-deps test installs it");
        }
        var dir = TestDirectory.Create("coderunner-pg-", owner: "postgres");
        var data = Path.Combine(dir, "data");
        var init = Process.Start(new ProcessStartInfo(Path.Combine(BinDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        {
            UserName = "postgres",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var initOutput = await init.StandardError.ReadToEndAsync();
        await init.WaitForExitAsync();
        if (init.ExitCode != 0)
        {
            throw new InvalidOperationException("initdb failed: " + initOutput);
        }
        var port = FreePort.Next();
        var process = new ServerProcess("postgres", new ProcessStartInfo(Path.Combine(BinDir, "postgres"),
        [
            "-D", data, "-p", port.ToString(), "-k", dir, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=400",
        ])
        {
            UserName = "postgres",
        });
        var server = new PostgresServer(dir, port, process);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again, on the same port and data) and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        _process.Start();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString);
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                if (DateTime.UtcNow > deadline || !_process.Running)
                {
                    throw new InvalidOperationException("PostgreSQL did not start: " + _process.Log, e);
                }
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Stops it: a fast shutdown (SIGINT), or SIGKILL as if the machine died.</summary>
    public Task StopAsync(bool kill = false) => _process.StopAsync(kill, signal: 2);

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>The same database as a postgres:// URL, the form POSTGRES_URL takes in production.</summary>
    public static string ToUrl(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
    }

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(signal: 2);
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
