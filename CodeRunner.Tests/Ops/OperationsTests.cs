using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeRunner.Tests.Ops;

/// <summary>The operations surface of a real `--role all` process after one run through every tier.</summary>
public sealed class OperationsTests(OpsCluster cluster) : IClassFixture<OpsCluster>
{
    public static TheoryData<string> Roles => ["client", "runner", "lb", "judge-server", "judge-worker"];

    /// <summary>Every role but the client, the only public one.</summary>
    public static TheoryData<string> PrivateRoles => ["runner", "lb", "judge-server", "judge-worker"];

    [Fact]
    public void Given_the_tier_token_on_judge_server_and_lb_Then_the_runner_carries_it_through_the_lb()
    {
        Assert.Equal(3, cluster.RunResult["status"]?["id"]?.GetValue<int>());
        Assert.Equal("ops\n", cluster.RunResult["stdout"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("runner")]
    [InlineData("lb")]
    [InlineData("judge-server")]
    [InlineData("judge-worker")]
    public async Task Given_every_dependency_up_Then_health_ready_answers_200(string role)
    {
        using var http = new HttpClient { BaseAddress = cluster.Urls[role] };

        var ready = await http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Theory]
    [MemberData(nameof(PrivateRoles))]
    public async Task Given_a_finished_run_Then_each_roles_metrics_show_requests_queue_depth_runs_by_status_and_sandbox_time(string role)
    {
        var metrics = await cluster.MetricsAsync(role);

        Assert.True(OpsHttp.Sum(metrics, "coderunner_runs_total", "status=\"Accepted\"") >= 1, metrics);
        Assert.True(OpsHttp.Sum(metrics, "coderunner_sandbox_run_duration_seconds_count") >= 1, metrics);
        Assert.True(OpsHttp.Has(metrics, "coderunner_queue_depth"), metrics);
        // The run went runner → lb → judge-server: each hop is a request on its own listener.
        Assert.True(OpsHttp.Sum(metrics, "http_server_request_duration_seconds_count", "http_route=\"/submissions\"") >= 2, metrics);
        Assert.DoesNotContain(OpsCluster.TierToken, metrics);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/api/metrics")]
    [InlineData("/api/Metrics/")]
    [InlineData("/api/health/ready")]
    [InlineData("/api/api/openapi.json")]
    public async Task Given_the_public_client_Then_neither_its_metrics_nor_the_runners_operations_paths_are_served_there(string path)
    {
        using var http = new HttpClient { BaseAddress = cluster.Urls["client"] };

        var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("coderunner_", body);
        Assert.DoesNotContain("judge_tier", body);
    }

    [Fact]
    public async Task Given_a_queued_submission_Then_the_queue_depth_gauge_counts_it()
    {
        // The worker's only slot is busy with a long program, so the other two wait in the queue.
        using var judge = new HttpClient { BaseAddress = cluster.Urls["judge-server"] };
        judge.DefaultRequestHeaders.Add("X-Auth-Token", OpsCluster.TierToken);
        var busy = await judge.PostAsync("/submissions", Json(new { language_id = 71, source_code = "import time; time.sleep(4)" }));
        await Task.Delay(1000);
        var prefetched = await judge.PostAsync("/submissions", Json(new { language_id = 71, source_code = "print(1)" }));
        await Task.Delay(500);
        var waiting = await judge.PostAsync("/submissions", Json(new { language_id = 71, source_code = "print(2)" }));

        var metrics = await cluster.MetricsAsync("judge-server");

        Assert.Equal(HttpStatusCode.Created, busy.StatusCode);
        Assert.Equal(HttpStatusCode.Created, prefetched.StatusCode);
        Assert.Equal(HttpStatusCode.Created, waiting.StatusCode);
        Assert.True(OpsHttp.Sum(metrics, "coderunner_queue_depth") >= 1, metrics);
    }

    [Fact]
    public async Task Given_the_lb_holds_the_tier_token_Then_a_request_without_it_is_refused_at_the_lb_while_its_own_endpoints_stay_open()
    {
        using var lb = new HttpClient { BaseAddress = cluster.Urls["lb"] };
        using var lbWithToken = new HttpClient { BaseAddress = cluster.Urls["lb"] };
        lbWithToken.DefaultRequestHeaders.Add("X-Auth-Token", OpsCluster.TierToken);

        var without = await lb.GetAsync("/statuses");
        var with = await lbWithToken.GetAsync("/statuses");
        var health = await lb.GetAsync("/health");
        var metrics = await lb.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public void Given_json_logs_Then_every_stdout_line_is_a_json_object_and_no_configured_secret_appears()
    {
        var lines = cluster.Process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Contains(lines, l => l.Contains("Now listening on"));
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("Timestamp", out _), line);
        }
        foreach (var secret in new[] { OpsCluster.TierToken, OpsCluster.AdminToken, OpsCluster.DatabasePassword })
        {
            Assert.DoesNotContain(secret, cluster.Process.Output);
        }
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Given_any_role_Then_api_docs_serves_a_page_and_its_openapi_document_without_a_cdn(string role)
    {
        using var http = new HttpClient { BaseAddress = cluster.Urls[role] };

        var page = await http.GetAsync("/api/docs/");
        var html = await page.Content.ReadAsStringAsync();
        var script = await http.GetAsync("/api/docs/scalar.js");
        var document = JsonNode.Parse(await http.GetStringAsync("/api/openapi.json"))!;

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", html);
        Assert.DoesNotContain("cdn.", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal($"CodeRunner {role}", document["info"]?["title"]?.GetValue<string>());
        Assert.NotNull(document["paths"]?["/health"]);
    }

    [Fact]
    public async Task Given_each_roles_openapi_document_Then_it_lists_that_roles_endpoints_only()
    {
        var judge = await PathsAsync("judge-server");
        var runner = await PathsAsync("runner");

        Assert.Contains("/submissions", judge);
        Assert.Contains("/submissions/{token}", judge);
        Assert.Contains("/languages", judge);
        Assert.DoesNotContain("/history", judge);
        Assert.Contains("/history", runner);
        Assert.Contains("/sessions", runner);
        Assert.DoesNotContain("/workers", runner);
    }

    private async Task<List<string>> PathsAsync(string role)
    {
        using var http = new HttpClient { BaseAddress = cluster.Urls[role] };
        var document = JsonNode.Parse(await http.GetStringAsync("/api/openapi.json"))!;
        return document["paths"]!.AsObject().Select(p => p.Key).ToList();
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
