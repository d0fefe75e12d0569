using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Sandbox;
using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Cgroups;
using CodeRunner.Tests.Ops;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Judge;

public sealed class HealthTests
{
    [Fact]
    public async Task Given_reachable_stores_Then_server_and_worker_report_ready_without_a_token()
    {
        await using var app = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker, ("AUTHN_TOKEN", "secret-token"));
        using var worker = new HttpClient { BaseAddress = app.WorkerUrl };

        foreach (var client in new[] { app.Judge, worker })
        {
            var response = await client.GetAsync("/health/ready");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("ready", body["status"]!.GetValue<string>());
            Assert.Equal("ok", body["checks"]!["storage"]!["data"]!["database"]!.GetValue<string>());
            Assert.DoesNotContain("secret-token", body.ToJsonString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Judge.GetAsync("/languages")).StatusCode);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Given_a_worker_whose_only_slot_cannot_fork_Then_it_is_not_ready_and_its_metrics_count_the_slot_out_of_service()
    {
        var cgroupName = "coderunner-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = await RunningApp.StartAsync(Roles.JudgeWorker,
            ("Sandbox:Slots", "1"), ("Sandbox:CgroupName", cgroupName), ("Sandbox:MaintenanceSeconds", "0.2"));
        using var worker = new HttpClient { BaseAddress = app.WorkerUrl };
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync("/health/ready")).StatusCode);
        using (SlotHold.Fill(cgroupName))
        {
            var (status, body) = await ReadinessAsync(worker, until: HttpStatusCode.ServiceUnavailable);
            var metrics = await worker.GetStringAsync("/metrics");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unavailable", body["status"]!.GetValue<string>());
            Assert.Equal("unhealthy", body["checks"]!["sandbox"]!["status"]!.GetValue<string>());
            var problem = body["checks"]!["sandbox"]!["data"]!["slot0"]!.GetValue<string>();
            Assert.True(problem.Contains("Resource temporarily unavailable", StringComparison.Ordinal), problem);
            // This worker's own gauge: other hosts of the test process export theirs too.
            var sandboxLabel = $"sandbox=\"{cgroupName}\"";
            Assert.Equal(1, OpsHttp.Sum(metrics, "coderunner_sandbox_slots", sandboxLabel, "state=\"out_of_service\""));
            Assert.Equal(0, OpsHttp.Sum(metrics, "coderunner_sandbox_slots", sandboxLabel, "state=\"in_service\""));
        }
        var (recovered, _) = await ReadinessAsync(worker, until: HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

    [Fact]
    public async Task Given_a_submission_while_the_only_slot_is_out_of_service_Then_it_waits_in_the_queue_and_is_accepted_once_the_slot_is_back()
    {
        var cgroupName = "coderunner-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker,
            ("Sandbox:Slots", "1"), ("Sandbox:CgroupName", cgroupName), ("Sandbox:MaintenanceSeconds", "0.2"));
        using var worker = new HttpClient { BaseAddress = app.WorkerUrl };
        string token;
        using (SlotHold.Fill(cgroupName))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadinessAsync(worker, until: HttpStatusCode.ServiceUnavailable)).Status);
            var created = await app.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = "print('back')" });
            token = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
            // A slot out of service claims nothing: the job would only fail there (status 13).
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(1, await StatusAsync(app, token));
        }

        var deadline = Stopwatch.StartNew();
        int status;
        while ((status = await StatusAsync(app, token)) is 1 or 2 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
        }
        Assert.Equal(3, status);
    }

    private static async Task<int> StatusAsync(RunningApp app, string token) =>
        JsonNode.Parse(await app.Judge.GetStringAsync($"/submissions/{token}?fields=status_id"))!["status_id"]!.GetValue<int>();

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ReadinessAsync(HttpClient worker, HttpStatusCode until)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await worker.GetAsync("/health/ready");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (response.StatusCode == until || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                return (response.StatusCode, body);
            }
            await Task.Delay(200);
        }
    }
}
