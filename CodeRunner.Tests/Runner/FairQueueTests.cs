using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

/// <summary>
/// The issue's attack through the runner, scaled down: one address floods a one-slot judge tier
/// with long-held submissions from several sessions; another caller's hello world must wait for at
/// most about one of those jobs, not for the flood. Timings are compared with the flood's own
/// measured job length, so a slow machine slows both sides alike.
/// </summary>
public sealed class FairQueueTests
{
    private const int FloodSessions = 3;
    private const int FloodPerSession = 2;

    [Fact]
    public async Task Given_an_address_flooding_from_several_sessions_Then_another_callers_hello_world_waits_at_most_about_one_flood_job()
    {
        await using var stack = await RunnerStack.StartAsync(settings: [("Sandbox:Slots", "1"), ("Runner:TrustedProxies", "127.0.0.1")]);
        var flooders = new List<HttpClient>();
        for (var i = 0; i < FloodSessions; i++)
        {
            flooders.Add(await stack.NewSessionAsync());
        }
        using var victim = stack.Anonymous();
        victim.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.50");
        var session = await victim.PostAsync("/sessions", null);
        victim.DefaultRequestHeaders.Add("X-Session-Token", (await RunnerStack.BodyAsync(session))["token"]!.GetValue<string>());
        // Warm the language once, so the hello world measures queueing, not a first start.
        await RunnerStack.PollAsync(victim, await RunnerStack.SubmitAsync(victim, RunnerStack.Hello));

        var floodStart = Stopwatch.StartNew();
        var tokens = new List<(HttpClient Http, string Token)>();
        foreach (var flooder in flooders)
        {
            for (var j = 0; j < FloodPerSession; j++)
            {
                var created = await RunnerStack.PostJsonAsync(flooder, "/submissions", new JsonObject
                {
                    ["language_id"] = 71, ["source_code"] = "import time; time.sleep(0.6)", ["number_of_runs"] = 3, ["wall_time_limit"] = 2,
                });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                tokens.Add((flooder, (await RunnerStack.BodyAsync(created))["token"]!.GetValue<string>()));
            }
        }
        var waited = Stopwatch.StartNew();
        var hello = await victim.PostAsync("/submissions?wait=true&fields=stdout,created_at,finished_at", RunnerStack.Submission(RunnerStack.Hello));
        waited.Stop();
        var finished = new List<string>();
        foreach (var (http, token) in tokens)
        {
            var result = await RunnerStack.PollAsync(http, token);
            Assert.Equal(3, result["status"]!["id"]!.GetValue<int>());
            var times = await RunnerStack.BodyAsync(await http.GetAsync($"/submissions/{token}?fields=created_at,finished_at"));
            finished.Add(times.ToJsonString());
        }
        var floodJob = floodStart.Elapsed / (tokens.Count + 1);

        Assert.Equal(HttpStatusCode.Created, hello.StatusCode);
        var helloBody = await RunnerStack.BodyAsync(hello);
        Assert.Equal("hello, world\n", helloBody["stdout"]!.GetValue<string>());
        // First come, first served it would wait for all six jobs; its turn comes after the running one.
        Assert.True(waited.Elapsed < 2 * floodJob,
            $"the hello world waited {waited.Elapsed.TotalSeconds:0.00} s; one flood job takes about {floodJob.TotalSeconds:0.00} s"
            + $" (hello {helloBody.ToJsonString()}; flood finished at {string.Join(", ", finished)})");
        flooders.ForEach(f => f.Dispose());
    }
}
