using CodeRunner.Hosting;
using Microsoft.AspNetCore.Builder;

namespace CodeRunner.Tests.Support;

/// <summary>
/// The real application (<c>Program.Build</c>) on loopback ports of its own, with a private
/// SQLite file, box root and cgroup name, so test classes can run side by side.
/// </summary>
internal sealed class RunningApp : IAsyncDisposable
{
    private static int instances;

    private readonly WebApplication _app;
    private readonly DirectoryInfo _dir;

    private RunningApp(WebApplication app, DirectoryInfo dir, Uri judge, Uri worker)
    {
        _app = app;
        _dir = dir;
        JudgeUrl = judge;
        WorkerUrl = worker;
        Judge = new HttpClient { BaseAddress = judge, Timeout = TimeSpan.FromSeconds(120) };
    }

    public Uri JudgeUrl { get; }

    public Uri WorkerUrl { get; }

    public HttpClient Judge { get; }

    public Uri ClientUrl { get; private init; } = null!;

    public Uri RunnerUrl { get; private init; } = null!;

    public Uri LbUrl { get; private init; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningApp> StartAsync(Roles roles, params (string Key, string? Value)[] settings)
    {
        var dir = Directory.CreateTempSubdirectory("coderunner-test-");
        // Slot uids must be able to traverse to the box root inside this folder.
        File.SetUnixFileMode(dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var judge = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var worker = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var all = new Dictionary<string, string?>
        {
            ["Client:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Runner:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Lb:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Judge:Urls"] = judge.ToString().TrimEnd('/'),
            ["Worker:Urls"] = worker.ToString().TrimEnd('/'),
            ["Storage:Sqlite"] = Path.Combine(dir.FullName, "coderunner.db"),
            ["Sandbox:BoxRoot"] = Path.Combine(dir.FullName, "boxes"),
            ["Sandbox:CgroupName"] = "coderunner-test-" + Guid.NewGuid().ToString("N")[..8],
            ["Sandbox:Slots"] = "2",
            // Uids of their own, apart from other test apps and from SandboxFixture's range.
            ["Sandbox:UidBase"] = (90000 + Environment.ProcessId % 1000 * 64 + Interlocked.Increment(ref instances) * 4).ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        var app = Program.Build(new RunOptions(roles, all));
        var running = new RunningApp(app, dir, judge, worker)
        {
            ClientUrl = new Uri(all["Client:Urls"]!),
            RunnerUrl = new Uri(all["Runner:Urls"]!),
            LbUrl = new Uri(all["Lb:Urls"]!),
        };
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // What did start (the worker's slot mounts and cgroups) is taken down, not left behind.
            await running.DisposeAsync();
            throw;
        }
        if (roles.HasFlag(Roles.JudgeWorker))
        {
            await Health.WaitAsync(worker, "/health", TimeSpan.FromSeconds(60),
                giveUp: body => body?.Contains("failed") == true ? "the worker failed to start" : null);
        }
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        Judge.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
