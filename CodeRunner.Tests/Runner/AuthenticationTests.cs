using System.Net;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

public sealed class AuthenticationTests(RunnerFixture fixture) : IClassFixture<RunnerFixture>
{
    private RunnerStack Stack => fixture.Stack;

    [Theory]
    [InlineData("/languages")]
    [InlineData("/statuses")]
    [InlineData("/history")]
    [InlineData("/settings")]
    public async Task Given_no_credentials_Then_every_call_answers_401_authentication_required(string path)
    {
        using var http = Stack.Anonymous();

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("authentication required", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_no_credentials_When_submitting_Then_401_and_nothing_reaches_the_judge()
    {
        using var http = Stack.Anonymous();

        var response = await http.PostAsync("/submissions", RunnerStack.Submission(RunnerStack.Hello));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Given_a_key_from_keys_create_Then_it_works_in_either_header_and_only_its_hash_is_stored()
    {
        var key = await Stack.CreateKeyAsync("either-header");
        using var viaHeader = Stack.WithKey(key);
        using var viaBearer = Stack.Anonymous();
        viaBearer.DefaultRequestHeaders.Authorization = new("Bearer", key);

        var header = await viaHeader.GetAsync("/statuses");
        var bearer = await viaBearer.GetAsync("/languages");

        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.StartsWith("cr_", key);
        Assert.DoesNotContain(key, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(Stack.HistoryFile)));
    }

    [Fact]
    public async Task Given_an_unknown_key_Then_401_invalid_API_key()
    {
        using var http = Stack.WithKey("cr_not-a-key-anyone-was-given");

        var response = await http.GetAsync("/statuses");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid API key", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_revoked_key_Then_it_is_refused_and_keys_list_shows_it_revoked()
    {
        var key = await Stack.CreateKeyAsync("to-revoke");
        using var http = Stack.WithKey(key);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/statuses")).StatusCode);

        var (code, _, stderr) = await Stack.KeysAsync("revoke", "--name", "to-revoke");
        var response = await http.GetAsync("/statuses");
        var (_, list, _) = await Stack.KeysAsync("list");

        Assert.True(code == 0, stderr);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid API key", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
        Assert.Contains(list.Split('\n'), line => line.StartsWith("to-revoke\t") && line.Contains("revoked"));
        Assert.DoesNotContain(key, list);
    }

    [Fact]
    public async Task Given_a_name_already_taken_When_creating_a_key_Then_the_command_fails_and_prints_no_key()
    {
        var (code, stdout, stderr) = await Stack.KeysAsync("create", "--name", "alice");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("already exists", stderr);
    }

    [Fact]
    public async Task Given_a_session_from_POST_sessions_Then_its_cookie_and_its_header_both_authenticate()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = Stack.Url };

        var created = await browser.PostAsync("/sessions", null);
        var body = await RunnerStack.BodyAsync(created);
        var token = body["token"]!.GetValue<string>();
        var setCookie = Assert.Single(created.Headers.GetValues("Set-Cookie"));
        var viaCookie = await browser.GetAsync("/settings");
        using var viaHeader = Stack.Anonymous();
        viaHeader.DefaultRequestHeaders.Add("X-Session-Token", token);
        var headerResponse = await viaHeader.GetAsync("/settings");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(DateTimeOffset.Parse(body["expires_at"]!.GetValue<string>()) > DateTimeOffset.UtcNow.AddDays(6));
        Assert.StartsWith($"coderunner_session={token};", setCookie);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, viaCookie.StatusCode);
        Assert.Equal(HttpStatusCode.OK, headerResponse.StatusCode);
    }

    [Fact]
    public async Task Given_HTTPS_seen_by_a_trusted_proxy_Then_the_session_cookie_is_Secure_but_not_for_a_stranger_claiming_it()
    {
        await using var stack = await RunnerStack.StartAsync(Roles.Runner, ("Runner:TrustedProxies", "127.0.0.1"));
        using var proxy = Ops.OpsHttp.From("127.0.0.1", stack.Url);
        using var stranger = Ops.OpsHttp.From("127.0.0.2", stack.Url);

        var behindHttps = await SessionCookieAsync(proxy, "https");
        var behindHttp = await SessionCookieAsync(proxy, "http");
        var claimed = await SessionCookieAsync(stranger, "https");

        Assert.Contains("; secure", behindHttps, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", behindHttp, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", claimed, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> SessionCookieAsync(HttpClient http, string forwardedProto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sessions");
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Given_an_unknown_session_token_Then_401_session_expired()
    {
        using var http = Stack.Anonymous();
        http.DefaultRequestHeaders.Add("X-Session-Token", "crs_made-up");

        var response = await http.GetAsync("/settings");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("session expired", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_an_expired_session_Then_401_session_expired()
    {
        // 0.001 h = 3.6 s.
        await using var stack = await RunnerStack.StartAsync(CodeRunner.Hosting.Roles.Runner, ("Runner:SessionHours", "0.001"),
            ("JUDGE0_URL", $"http://127.0.0.1:{FreePort.Next()}"));
        using var http = stack.Anonymous();
        var token = (await RunnerStack.BodyAsync(await http.PostAsync("/sessions", null)))["token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Add("X-Session-Token", token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/settings")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(4.5));

        var response = await http.GetAsync("/settings");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("session expired", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
    }
}
