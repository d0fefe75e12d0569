using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
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
}
