using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Runner;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Fuzz;

/// <summary>
/// Every role in one process (<c>--role all</c>, each on its own listener), healthy, with the
/// credentials and tokens the fuzzed requests draw from: the judge tier's token, an admin token,
/// an API key made by the real CLI, a session, and submissions that exist.
/// </summary>
public sealed class FuzzChain : IAsyncLifetime
{
    public const string TierToken = "fuzz-tier-token";
    public const string AdminToken = "fuzz-admin-token";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("coderunner-fuzz-");
    private RunningApp? _app;

    internal RunningApp App => _app ?? throw new InvalidOperationException("not started");

    public string ApiKey { get; private set; } = "";

    public string Session { get; private set; } = "";

    /// <summary>Tokens of real submissions: the session's (through the runner) and one made on the judge-server.</summary>
    public List<string> Tokens { get; } = [];

    public Uri UrlOf(Roles role) => role switch
    {
        Roles.Client => App.ClientUrl,
        Roles.Runner => App.RunnerUrl,
        Roles.Lb => App.LbUrl,
        Roles.JudgeServer => App.JudgeUrl,
        Roles.JudgeWorker => App.WorkerUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public async Task InitializeAsync()
    {
        var history = Path.Combine(_dir.FullName, "runner.db");
        _app = await RunningApp.StartAsync(Roles.All,
            ("Runner:Sqlite", history),
            ("AUTHN_TOKEN", TierToken),
            ("AUTHZ_TOKEN", AdminToken),
            ("ENABLE_SUBMISSION_DELETE", "true"),
            // No staged overload: a full queue or a rate limit would only hide the endpoints behind it.
            ("MAX_QUEUE_SIZE", "100000"),
            ("RATE_LIMIT_MAX", "100000"),
            ("Runner:SessionRateLimitMax", "100000"));
        await Health.WaitAsync(App.LbUrl, "/health/ready", TimeSpan.FromSeconds(60));
        var (code, stdout, stderr) = await Cli.RunAsync(["keys", "create", "--name", "fuzz", "--set", $"Runner:Sqlite={history}"]);
        Assert.True(code == 0, $"keys create exited {code}: {stderr}");
        ApiKey = stdout.Trim();

        using var runner = new HttpClient { BaseAddress = App.RunnerUrl };
        var session = await runner.PostAsync("/sessions", null);
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        Session = (await RunnerStack.BodyAsync(session))["token"]!.GetValue<string>();
        runner.DefaultRequestHeaders.Add("X-Session-Token", Session);
        Tokens.Add(await RunnerStack.SubmitAsync(runner, "print('fuzz')"));

        using var judge = new HttpClient { BaseAddress = App.JudgeUrl };
        judge.DefaultRequestHeaders.Add("X-Auth-Token", TierToken);
        var created = await judge.PostAsync("/submissions", RunnerStack.Json("""{"language_id":71,"source_code":"print(2)"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Tokens.Add((await RunnerStack.BodyAsync(created))["token"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
