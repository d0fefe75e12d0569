using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

/// <summary>
/// A runner in front of a real judge tier (judge-server + judge-worker in the same app; JUDGE0_URL
/// defaults to the judge-server there), with its history in a SQLite file of its own. Keys come
/// from the real `coderunner keys` command run against that same file.
/// </summary>
internal sealed class RunnerStack : IAsyncDisposable
{
    public const string Hello = "print(\"hello, world\")";

    private readonly DirectoryInfo _dir;

    private RunnerStack(RunningApp app, DirectoryInfo dir, string historyFile, string? mongoUrl)
    {
        App = app;
        _dir = dir;
        HistoryFile = historyFile;
        MongoUrl = mongoUrl;
    }

    public RunningApp App { get; }

    public string HistoryFile { get; }

    /// <summary>Set when the history lives in MongoDB rather than <see cref="HistoryFile"/>.</summary>
    public string? MongoUrl { get; }

    public Uri Url => App.RunnerUrl;

    public static async Task<RunnerStack> StartAsync(Roles roles = Roles.Runner | Roles.JudgeServer | Roles.JudgeWorker,
        params (string Key, string? Value)[] settings)
    {
        var dir = Directory.CreateTempSubdirectory("coderunner-runner-");
        var history = Path.Combine(dir.FullName, "runner.db");
        var app = await RunningApp.StartAsync(roles, [("Runner:Sqlite", history), .. settings]);
        return new RunnerStack(app, dir, history, settings.FirstOrDefault(s => s.Key == "MONGO_URL").Value);
    }

    /// <summary>A client that sends nothing but what the test adds.</summary>
    public HttpClient Anonymous() => new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(120) };

    public HttpClient WithKey(string key)
    {
        var http = Anonymous();
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    /// <summary>A new caller: an anonymous session from POST /sessions, sent back in X-Session-Token.</summary>
    public async Task<HttpClient> NewSessionAsync()
    {
        var http = Anonymous();
        var created = await http.PostAsync("/sessions", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        http.DefaultRequestHeaders.Add("X-Session-Token", (await BodyAsync(created))["token"]!.GetValue<string>());
        return http;
    }

    /// <summary>Runs `coderunner keys ARGS` as its own process, with the same store settings as the runner.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> KeysAsync(params string[] args) =>
        Cli.RunAsync(["keys", .. args, "--set", $"Runner:Sqlite={HistoryFile}", .. MongoUrl is null ? [] : new[] { "--set", $"MONGO_URL={MongoUrl}" }]);

    /// <summary>A fresh key through the real CLI: its stdout is the key and nothing else.</summary>
    public async Task<string> CreateKeyAsync(string name)
    {
        var (code, stdout, stderr) = await KeysAsync("create", "--name", name);
        Assert.True(code == 0, $"keys create exited {code}: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Submission(string source, int languageId = 71, string? stdin = null) =>
        Json(new JsonObject { ["language_id"] = languageId, ["source_code"] = source, ["stdin"] = stdin }.ToJsonString());

    public static async Task<JsonNode> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    /// <summary>Creates with wait=false and returns the token.</summary>
    public static async Task<string> SubmitAsync(HttpClient http, string source, string? stdin = null)
    {
        var response = await http.PostAsync("/submissions", Submission(source, stdin: stdin));
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"POST /submissions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await BodyAsync(response))["token"]!.GetValue<string>();
    }

    /// <summary>Polls GET /submissions/{token} until the status is final (bounded: 60 s).</summary>
    public static async Task<JsonNode> PollAsync(HttpClient http, string token)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await http.GetAsync($"/submissions/{token}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await BodyAsync(response);
            if (body["status"]!["id"]!.GetValue<int>() >= 3)
            {
                return body;
            }
            Assert.True(DateTime.UtcNow < deadline, $"submission {token} not finished within 60 s: {body.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string path, JsonNode body) =>
        http.PostAsJsonAsync(path, body);
}

/// <summary>The built coderunner.dll under the dotnet host, as an operator would run a subcommand.</summary>
internal static class Cli
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "coderunner.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var start = new ProcessStartInfo(host, [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
