using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;
using Npgsql;

namespace CodeRunner.Tests.Ops;

/// <summary>
/// `coderunner --role all` as its own process, as systemd runs it: JSON logs, the judge tier's
/// token and an admin token set, PostgreSQL reached with a password in POSTGRES_URL. One hello
/// world has gone browser-style through runner → lb → judge-server → judge-worker when tests start.
/// </summary>
public sealed class OpsCluster : IAsyncLifetime
{
    public const string TierToken = "tier-token-0b9f6c2e";
    public const string AdminToken = "admin-token-5d1e77a4";
    public const string DatabasePassword = "db-password-8c3a91f0";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("coderunner-ops-");
    private CodeRunnerProcess? _process;

    public Dictionary<string, Uri> Urls { get; } = new()
    {
        ["client"] = new($"http://127.0.0.1:{FreePort.Next()}"),
        ["runner"] = new($"http://127.0.0.1:{FreePort.Next()}"),
        ["lb"] = new($"http://127.0.0.1:{FreePort.Next()}"),
        ["judge-server"] = new($"http://127.0.0.1:{FreePort.Next()}"),
        ["judge-worker"] = new($"http://127.0.0.1:{FreePort.Next()}"),
    };

    internal CodeRunnerProcess Process => _process!;

    /// <summary>The answer to the run made through the runner at start.</summary>
    public JsonNode RunResult { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(_dir.FullName, (UnixFileMode)Convert.ToInt32("711", 8));
        var postgres = await PostgresServer.Shared;
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync()).Database;
        // The test server trusts loopback, so the password is never checked: what matters is that it is configured.
        var postgresUrl = $"postgres://postgres:{DatabasePassword}@127.0.0.1:{postgres.Port}/{database}";
        _process = CodeRunnerProcess.Start("all", _dir.FullName, new Dictionary<string, string>
        {
            ["Client__Urls"] = Urls["client"].ToString().TrimEnd('/'),
            ["Runner__Urls"] = Urls["runner"].ToString().TrimEnd('/'),
            ["Lb__Urls"] = Urls["lb"].ToString().TrimEnd('/'),
            ["Judge__Urls"] = Urls["judge-server"].ToString().TrimEnd('/'),
            ["Worker__Urls"] = Urls["judge-worker"].ToString().TrimEnd('/'),
            ["LOG_FORMAT"] = "json",
            ["AUTHN_TOKEN"] = TierToken,
            ["AUTHZ_TOKEN"] = AdminToken,
            ["POSTGRES_URL"] = postgresUrl,
            ["Runner__Sqlite"] = Path.Combine(_dir.FullName, "runner.db"),
            ["Sandbox__Slots"] = "1",
            ["Sandbox__BoxRoot"] = Path.Combine(_dir.FullName, "boxes"),
            ["Sandbox__CgroupName"] = "coderunner-ops-" + Guid.NewGuid().ToString("N")[..8],
            ["Sandbox__UidBase"] = (170000 + Environment.ProcessId % 1000 * 4).ToString(),
            ["Lb__HealthTimeoutSeconds"] = "10",
            ["Lb__HealthThreshold"] = "5",
        });
        await Health.WaitAsync(Urls["judge-worker"], "/health", TimeSpan.FromSeconds(90),
            giveUp: _ => Process.HasExited ? "exited" : null, describe: () => Process.Output);
        await Health.WaitAsync(Urls["lb"], "/health/ready", TimeSpan.FromSeconds(30), describe: () => Process.Output);

        using var browser = new HttpClient { BaseAddress = Urls["runner"], Timeout = TimeSpan.FromSeconds(120) };
        var session = await browser.PostAsync("/sessions", null);
        var token = JsonNode.Parse(await session.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        browser.DefaultRequestHeaders.Add("X-Session-Token", token);
        var run = await browser.PostAsJsonAsync("/submissions?wait=true", new { language_id = 71, source_code = "print('ops')" });
        RunResult = JsonNode.Parse(await run.Content.ReadAsStringAsync())!;
    }

    public async Task<string> MetricsAsync(string role)
    {
        using var http = new HttpClient { BaseAddress = Urls[role] };
        var response = await http.GetAsync("/metrics");
        Assert.True(response.IsSuccessStatusCode, $"{role} /metrics answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
