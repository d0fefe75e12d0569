using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

/// <summary>
/// Submission budgets counted in slot-seconds (number_of_runs × wall_time_limit): a runner alone,
/// JUDGE0_URL pointing at nothing, so an allowed create answers 503 and a refused one 429. A long
/// window keeps the buckets from refilling noticeably while a test runs.
/// </summary>
public sealed class SlotSecondsTests
{
    private static Task<RunnerStack> StartAloneAsync(params (string Key, string? Value)[] settings) =>
        RunnerStack.StartAsync(Roles.Runner,
            [("JUDGE0_URL", $"http://127.0.0.1:{FreePort.Next()}"), ("RATE_LIMIT_WINDOW", "600"), ("Runner:TrustedProxies", "127.0.0.1"), .. settings]);

    /// <summary>An anonymous session of a client at <paramref name="address"/> (named by the trusted proxy's X-Forwarded-For).</summary>
    private static async Task<HttpClient> SessionAtAsync(RunnerStack stack, string address)
    {
        var http = stack.Anonymous();
        http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        var created = await http.PostAsync("/sessions", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        http.DefaultRequestHeaders.Add("X-Session-Token", (await RunnerStack.BodyAsync(created))["token"]!.GetValue<string>());
        return http;
    }

    private static StringContent Long(int runs, double wall) => RunnerStack.Json(new JsonObject
    {
        ["language_id"] = 71, ["source_code"] = "import time; time.sleep(20)", ["number_of_runs"] = runs, ["wall_time_limit"] = wall,
    }.ToJsonString());

    [Fact]
    public async Task Given_20_runs_of_20_s_Then_it_uses_up_the_budget_that_20_hello_worlds_leave_and_the_429_names_the_limit()
    {
        // 30 default submissions (1 run × 10 s) a window: 300 slot-seconds.
        await using var stack = await StartAloneAsync(("RATE_LIMIT_MAX", "30"));
        using var hellos = await SessionAtAsync(stack, "203.0.113.1");
        using var longer = await SessionAtAsync(stack, "203.0.113.2");

        var helloCodes = new List<HttpStatusCode>();
        for (var i = 0; i < 21; i++)
        {
            helloCodes.Add((await hellos.PostAsync("/submissions", RunnerStack.Submission(RunnerStack.Hello))).StatusCode);
        }
        var longOne = await longer.PostAsync("/submissions", Long(runs: 20, wall: 20));
        var after = await longer.PostAsync("/submissions", RunnerStack.Submission(RunnerStack.Hello));

        Assert.DoesNotContain((HttpStatusCode)429, helloCodes);
        Assert.NotEqual((HttpStatusCode)429, longOne.StatusCode);
        Assert.Equal((HttpStatusCode)429, after.StatusCode);
        var body = await RunnerStack.BodyAsync(after);
        Assert.Equal("rate limit exceeded", body["error"]!.GetValue<string>());
        Assert.StartsWith("slot_seconds_per_", body["limit"]!.GetValue<string>());
        Assert.Contains("300", body["message"]!.GetValue<string>());
        Assert.True(int.Parse(Assert.Single(after.Headers.GetValues("Retry-After"))) >= 1);
    }

    [Fact]
    public async Task Given_many_sessions_from_one_address_Then_they_share_one_budget_while_another_address_has_its_own()
    {
        // Three default submissions a window, for a session and for all sessions of an address.
        await using var stack = await StartAloneAsync(("RATE_LIMIT_MAX", "3"), ("Runner:SessionRateLimitMax", "10"));
        var sessions = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            sessions.Add(await SessionAtAsync(stack, "198.51.100.7"));
        }
        using var elsewhere = await SessionAtAsync(stack, "198.51.100.8");

        var codes = new List<HttpStatusCode>();
        foreach (var session in sessions)
        {
            codes.Add((await session.PostAsync("/submissions", RunnerStack.Submission(RunnerStack.Hello))).StatusCode);
        }
        var fourth = await sessions[3].PostAsync("/submissions", RunnerStack.Submission(RunnerStack.Hello));
        var other = await elsewhere.PostAsync("/submissions", RunnerStack.Submission(RunnerStack.Hello));

        Assert.All(codes.Take(3), c => Assert.NotEqual((HttpStatusCode)429, c));
        Assert.Equal((HttpStatusCode)429, codes[3]);
        Assert.Equal("slot_seconds_per_address", (await RunnerStack.BodyAsync(fourth))["limit"]!.GetValue<string>());
        Assert.NotEqual((HttpStatusCode)429, other.StatusCode);
        sessions.ForEach(s => s.Dispose());
    }

    [Theory]
    [InlineData("number_of_runs", "\"many\"")]
    [InlineData("number_of_runs", "0")]
    [InlineData("wall_time_limit", "[1]")]
    [InlineData("wall_time_limit", "-1")]
    public async Task Given_a_limit_that_is_not_a_number_Then_422_naming_the_field_before_any_budget_is_used(string field, string value)
    {
        await using var stack = await StartAloneAsync();
        using var http = await SessionAtAsync(stack, "192.0.2.1");

        var response = await http.PostAsync("/submissions",
            RunnerStack.Json($$"""{"language_id":71,"source_code":"print(1)","{{field}}":{{value}}}"""));
        var batch = await http.PostAsync("/submissions/batch",
            RunnerStack.Json($$"""{"submissions":[{"language_id":71,"source_code":"print(1)"},{"language_id":71,"source_code":"print(1)","{{field}}":{{value}}}]}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, batch.StatusCode);
        Assert.Contains($"submissions[1].{field}", await batch.Content.ReadAsStringAsync());
    }
}
