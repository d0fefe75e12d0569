using System.Diagnostics;
using System.Net;
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
        // As the report's zombies did: processes the slot's pids.max counts (pids.current is
        // hierarchical) that no kill or reap of the worker reaches, held in a child cgroup of the
        // slot, so many that bwrap can no longer fork its pid 1 ("bwrap: Can't fork for pid 1" or, with the
        // launcher's network namespace, "Creating new namespace failed": EAGAIN either way).
        var held = new List<Process>();
        var holds = CgroupDetection.Open("auto", cgroupName).Slot(0).ProcsFiles
            .Select(p => Path.Combine(Path.GetDirectoryName(p)!, "hold")).ToList();
        try
        {
            for (var i = 0; i < SlotRepair.SelfTestLimits.MaxProcesses + SlotLauncher.HelperProcesses - 2; i++)
            {
                held.Add(Process.Start("sleep", "600"));
            }
            foreach (var hold in holds)
            {
                Directory.CreateDirectory(hold);
                foreach (var process in held)
                {
                    File.WriteAllText(Path.Combine(hold, "cgroup.procs"), process.Id.ToString());
                }
            }

            var (status, body) = await ReadinessAsync(worker, until: HttpStatusCode.ServiceUnavailable);
            var metrics = await worker.GetStringAsync("/metrics");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unavailable", body["status"]!.GetValue<string>());
            Assert.Equal("unhealthy", body["checks"]!["sandbox"]!["status"]!.GetValue<string>());
            var problem = body["checks"]!["sandbox"]!["data"]!["slot0"]!.GetValue<string>();
            Assert.True(problem.Contains("Resource temporarily unavailable", StringComparison.Ordinal), problem);
            Assert.Equal(1, OpsHttp.Sum(metrics, "coderunner_sandbox_slots", "state=\"out_of_service\""));
            Assert.Equal(0, OpsHttp.Sum(metrics, "coderunner_sandbox_slots", "state=\"in_service\""));
        }
        finally
        {
            foreach (var process in held)
            {
                process.Kill();
                process.WaitForExit();
                process.Dispose();
            }
            foreach (var hold in holds.Where(Directory.Exists))
            {
                Directory.Delete(hold);
            }
        }
        var (recovered, _) = await ReadinessAsync(worker, until: HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, recovered);
    }

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
