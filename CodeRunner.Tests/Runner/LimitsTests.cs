using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

/// <summary>Rate limits, CORS and an unreachable judge tier: a runner alone, JUDGE0_URL pointing at nothing.</summary>
public sealed class LimitsTests
{
    private static Task<RunnerStack> StartAloneAsync(params (string Key, string? Value)[] settings) =>
        RunnerStack.StartAsync(Roles.Runner, [("JUDGE0_URL", $"http://127.0.0.1:{FreePort.Next()}"), .. settings]);

    [Fact]
    public async Task Given_RATE_LIMIT_MAX_submissions_in_the_window_Then_the_next_gets_429_with_Retry_After_until_the_window_resets()
    {
        // Both sessions come from one address: give the address room for both (SlotSecondsTests covers its budget).
        await using var stack = await RunnerStack.StartAsync(
            Roles.Runner | Roles.JudgeServer | Roles.JudgeWorker, ("RATE_LIMIT_MAX", "2"), ("RATE_LIMIT_WINDOW", "3"), ("Runner:AddressSlotSecondsMax", "1000"));
        using var http = await stack.NewSessionAsync();
        using var other = await stack.NewSessionAsync();

        var first = await http.PostAsync("/submissions", RunnerStack.Submission("print(1)"));
        var second = await http.PostAsync("/submissions", RunnerStack.Submission("print(2)"));
        var third = await http.PostAsync("/submissions", RunnerStack.Submission("print(3)"));
        var otherCaller = await other.PostAsync("/submissions", RunnerStack.Submission("print(4)"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        var retryAfter = int.Parse(Assert.Single(third.Headers.GetValues("Retry-After")));
        var body = await RunnerStack.BodyAsync(third);
        Assert.Equal("rate limit exceeded", body["error"]!.GetValue<string>());
        Assert.Equal(retryAfter, body["retry_after"]!.GetValue<int>());
        Assert.InRange(retryAfter, 1, 3);
        Assert.Equal(HttpStatusCode.Created, otherCaller.StatusCode);

        // Bounded: the window is 3 s, give it at most 10.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        await Task.Delay(TimeSpan.FromSeconds(retryAfter));
        HttpResponseMessage again;
        while ((again = await http.PostAsync("/submissions", RunnerStack.Submission("print(5)"))).StatusCode == (HttpStatusCode)429
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task Given_a_batch_Then_it_counts_as_its_size()
    {
        await using var stack = await RunnerStack.StartAsync(
            Roles.Runner | Roles.JudgeServer | Roles.JudgeWorker, ("RATE_LIMIT_MAX", "3"), ("RATE_LIMIT_WINDOW", "60"));
        using var http = await stack.NewSessionAsync();
        var batch = new JsonObject
        {
            ["submissions"] = new JsonArray(
                new JsonObject { ["language_id"] = 71, ["source_code"] = "print(1)" },
                new JsonObject { ["language_id"] = 71, ["source_code"] = "print(2)" }),
        };

        var created = await RunnerStack.PostJsonAsync(http, "/submissions/batch", batch);
        var single = await http.PostAsync("/submissions", RunnerStack.Submission("print(3)"));
        var over = await http.PostAsync("/submissions", RunnerStack.Submission("print(4)"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, single.StatusCode);
        Assert.Equal((HttpStatusCode)429, over.StatusCode);
    }

    [Fact]
    public async Task Given_reads_beyond_their_generous_limit_Then_429_but_not_before()
    {
        // Reads get 10 × RATE_LIMIT_MAX = 20 per window.
        await using var stack = await StartAloneAsync(("RATE_LIMIT_MAX", "2"), ("RATE_LIMIT_WINDOW", "60"));
        using var http = await stack.NewSessionAsync();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 21; i++)
        {
            codes.Add((await http.GetAsync("/settings")).StatusCode);
        }

        Assert.All(codes.Take(20), c => Assert.Equal(HttpStatusCode.OK, c));
        Assert.Equal((HttpStatusCode)429, codes[20]);
    }

    [Fact]
    public async Task Given_too_many_sessions_from_one_address_Then_429_while_a_trusted_proxy_can_name_other_clients()
    {
        await using var stack = await StartAloneAsync(
            ("Runner:SessionRateLimitMax", "2"), ("RATE_LIMIT_WINDOW", "60"), ("Runner:TrustedProxies", "127.0.0.1"));
        using var http = stack.Anonymous();

        async Task<HttpStatusCode> CreateAsync(string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/sessions");
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return (await http.SendAsync(request)).StatusCode;
        }

        var a1 = await CreateAsync("203.0.113.1");
        var a2 = await CreateAsync("203.0.113.1");
        var a3 = await CreateAsync("203.0.113.1");
        var b1 = await CreateAsync("203.0.113.2");

        Assert.Equal(HttpStatusCode.Created, a1);
        Assert.Equal(HttpStatusCode.Created, a2);
        Assert.Equal((HttpStatusCode)429, a3);
        Assert.Equal(HttpStatusCode.Created, b1);
    }

    [Fact]
    public async Task Given_an_untrusted_peer_Then_its_X_Forwarded_For_is_ignored()
    {
        await using var stack = await StartAloneAsync(("Runner:SessionRateLimitMax", "1"), ("RATE_LIMIT_WINDOW", "60"));
        using var http = stack.Anonymous();

        using var first = new HttpRequestMessage(HttpMethod.Post, "/sessions");
        first.Headers.Add("X-Forwarded-For", "198.51.100.1");
        using var second = new HttpRequestMessage(HttpMethod.Post, "/sessions");
        second.Headers.Add("X-Forwarded-For", "198.51.100.2");

        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(first)).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await http.SendAsync(second)).StatusCode);
    }

    [Fact]
    public async Task Given_ALLOWED_ORIGINS_Then_a_preflight_from_a_listed_origin_is_allowed_and_others_get_no_CORS_headers()
    {
        await using var stack = await StartAloneAsync(("ALLOWED_ORIGINS", "https://ide.example.com, https://other.example.com"));
        using var http = stack.Anonymous();

        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/submissions");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type,x-api-key");
            return await http.SendAsync(request);
        }

        var allowed = await PreflightAsync("https://ide.example.com");
        var denied = await PreflightAsync("https://evil.example.com");

        Assert.True(allowed.IsSuccessStatusCode, allowed.StatusCode.ToString());
        Assert.Equal("https://ide.example.com", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("true", allowed.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.False(denied.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Given_no_ALLOWED_ORIGINS_Then_no_CORS_headers_at_all()
    {
        await using var stack = await StartAloneAsync();
        using var http = await stack.NewSessionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/settings");
        request.Headers.Add("Origin", "https://ide.example.com");

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Given_a_40_MB_body_Then_413_naming_the_limit_whether_its_length_is_sent_or_not(bool chunked)
    {
        await using var stack = await StartAloneAsync();
        using var http = await stack.NewSessionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/submissions") { Content = Client.ClientServingTests.Large(40 * 1024 * 1024, chunked) };
        request.Headers.TransferEncodingChunked = chunked;

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request body is larger than 1048576 bytes", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_the_judge_tier_down_Then_503_judge_service_unavailable_never_500()
    {
        await using var stack = await StartAloneAsync();
        using var http = await stack.NewSessionAsync();

        var submit = await http.PostAsync("/submissions?wait=true", RunnerStack.Submission(RunnerStack.Hello));
        var languages = await http.GetAsync("/languages");
        var history = await http.GetAsync("/history");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, submit.StatusCode);
        Assert.Equal("judge service unavailable", (await RunnerStack.BodyAsync(submit))["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, languages.StatusCode);
        // History is the runner's own: it still answers, without results it could not refresh.
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
    }

    [Fact]
    public async Task Given_an_lb_without_a_live_judge_server_Then_the_runner_answers_a_5xx_with_its_error_body()
    {
        await using var stack = await RunnerStack.StartAsync(Roles.Runner | Roles.Lb, ("JUDGE_SERVERS", $"http://127.0.0.1:{FreePort.Next()}"));
        using var http = await stack.NewSessionAsync();

        var response = await http.GetAsync("/languages");

        Assert.InRange((int)response.StatusCode, 502, 504);
        Assert.Equal("judge service unavailable", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
    }
}
