using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Ops;

/// <summary>runner → lb → judge-server as three separate hosts, each holding the shared tier token.</summary>
public sealed class TierTokenTests
{
    private const string Token = "tier-7f3c9b21";

    [Fact]
    public async Task Given_three_tiers_with_the_token_Then_the_runner_gets_through_and_the_lb_alone_refuses_callers_without_it()
    {
        // The judge tier in a process of its own: its /metrics then count only its own answers
        // (in-process apps share the meters of every app in the test process).
        var dir = TestDirectory.Create("coderunner-tier-");
        var workerUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var judge = CodeRunnerProcess.Start("judge-server,judge-worker", dir, new Dictionary<string, string>
        {
            ["AUTHN_TOKEN"] = Token,
            ["Worker__Urls"] = workerUrl,
            ["Storage__Sqlite"] = Path.Combine(dir, "judge.db"),
            ["Sandbox__Slots"] = "1",
            ["Sandbox__BoxRoot"] = Path.Combine(dir, "boxes"),
            ["Sandbox__CgroupName"] = "coderunner-tier-" + Guid.NewGuid().ToString("N")[..8],
            ["Sandbox__UidBase"] = (175000 + Environment.ProcessId % 1000 * 4).ToString(),
        });
        await Health.WaitAsync(new Uri(workerUrl), "/health", TimeSpan.FromSeconds(90),
            giveUp: _ => judge.HasExited ? "exited" : null, describe: () => judge.Output);
        using var judgeHttp = new HttpClient { BaseAddress = judge.Url };
        await using var lb = await RunningApp.StartAsync(Roles.Lb, ("JUDGE_SERVERS", judge.Url.ToString().TrimEnd('/')), ("AUTHN_TOKEN", Token));
        await using var runner = await RunningApp.StartAsync(Roles.Runner,
            ("JUDGE0_URL", lb.LbUrl.ToString().TrimEnd('/')), ("JUDGE0_AUTH_TOKEN", Token),
            ("Runner:Sqlite", Path.Combine(Path.GetTempPath(), $"coderunner-tier-{Guid.NewGuid():N}.db")));
        await using var wrongRunner = await RunningApp.StartAsync(Roles.Runner,
            ("JUDGE0_URL", lb.LbUrl.ToString().TrimEnd('/')), ("JUDGE0_AUTH_TOKEN", "stale-token"),
            ("Runner:Sqlite", Path.Combine(Path.GetTempPath(), $"coderunner-tier-{Guid.NewGuid():N}.db")));
        await Health.WaitAsync(lb.LbUrl, "/health/ready", TimeSpan.FromSeconds(30));
        using var browser = new HttpClient { BaseAddress = runner.RunnerUrl, Timeout = TimeSpan.FromSeconds(120) };
        var session = JsonNode.Parse(await (await browser.PostAsync("/sessions", null)).Content.ReadAsStringAsync())!;
        browser.DefaultRequestHeaders.Add("X-Session-Token", session["token"]!.GetValue<string>());
        using var direct = new HttpClient { BaseAddress = lb.LbUrl };
        using var wrong = new HttpClient { BaseAddress = lb.LbUrl };
        wrong.DefaultRequestHeaders.Add("X-Auth-Token", "not-the-token");

        var run = await browser.PostAsJsonAsync("/submissions?wait=true", new { language_id = 71, source_code = "print('through')" });
        var body = JsonNode.Parse(await run.Content.ReadAsStringAsync())!;
        var withoutToken = await direct.GetAsync("/languages");
        var wrongToken = await wrong.GetAsync("/languages");
        var judgeMetrics = await judgeHttp.GetStringAsync("/metrics");
        var ready = await browser.GetAsync("/health/ready");
        using var wrongRunnerHttp = new HttpClient { BaseAddress = wrongRunner.RunnerUrl };
        var notReady = await wrongRunnerHttp.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        Assert.Equal("through\n", body["stdout"]?.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        // The runner's readiness covers its token: a stale one shows before users notice.
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("judge tier answered 401", await notReady.Content.ReadAsStringAsync());
        // Refused at the lb: the judge-server never answered a 401.
        Assert.Equal(0, OpsHttp.Sum(judgeMetrics, "http_server_request_duration_seconds_count", "http_response_status_code=\"401\""));
    }
}
