using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using MongoDB.Driver;

namespace CodeRunner.Tests.Support;

/// <summary>
/// A MongoDB wire-protocol server for tests: jongodb, an in-memory server from the npm package
/// pinned in Support/mongo (scripts/test runs `npm ci` there), on a loopback port. One
/// <see cref="Shared"/> instance serves the whole run, each test with its own database name; it
/// is killed when the test host exits.
/// </summary>
public sealed partial class MongoServer : IAsyncDisposable
{
    private const string Package = "@jongodb/memory-server-bin-linux-x64-gnu";

    private static readonly Lazy<Task<MongoServer>> SharedServer = new(StartAsync);

    private readonly ServerProcess _process;

    private MongoServer(string url, ServerProcess process)
    {
        Url = url;
        _process = process;
    }

    public static Task<MongoServer> Shared => SharedServer.Value;

    /// <summary>The server's mongodb:// URL as it printed it (MONGO_URL form).</summary>
    public string Url { get; }

    public string Log => _process.Log;

    /// <summary>The same server with a database name no other test uses (jongodb cannot drop or list databases).</summary>
    public string UrlWithNewDatabase() => new MongoUrlBuilder(Url) { DatabaseName = NewDatabaseName() }.ToString();

    public static string NewDatabaseName() => "t_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<MongoServer> StartAsync()
    {
        var binary = Binary();
        var process = new ServerProcess("jongodb", new ProcessStartInfo(binary, ["--host=127.0.0.1", "--port=0"]));
        process.Start();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Match match;
        while (!(match = UriLine().Match(process.Log)).Success)
        {
            if (DateTime.UtcNow > deadline || !process.Running)
            {
                process.Dispose();
                throw new InvalidOperationException("jongodb did not start: " + process.Log);
            }
            await Task.Delay(10);
        }
        return new MongoServer(match.Groups[1].Value.Trim(), process);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(kill: true);
        _process.Dispose();
    }

    /// <summary>JONGODB_BINARY when set, else the binary npm installed beside this file.</summary>
    private static string Binary()
    {
        var configured = Environment.GetEnvironmentVariable("JONGODB_BINARY");
        var binary = string.IsNullOrEmpty(configured)
            ? Path.Combine(Path.GetDirectoryName(ThisFile())!, "mongo", "node_modules", Package, "bin", "jongodb")
            : configured;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"jongodb is not installed at {binary}: scripts/test installs it (npm ci in CodeRunner.Tests/Support/mongo)");
        }
        return binary;
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;

    [GeneratedRegex(@"JONGODB_URI=(\S+)")]
    private static partial Regex UriLine();
}
