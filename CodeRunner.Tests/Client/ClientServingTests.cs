using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Client;

/// <summary>The client role over plain HTTP: embedded files, their headers, and /api forwarding to a real runner.</summary>
public sealed partial class ClientServingTests : IAsyncLifetime
{
    private readonly string _history = Path.Combine(Path.GetTempPath(), $"coderunner-client-{Guid.NewGuid():N}.db");
    private RunningApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        // A client and a runner, no judge tier: what is tested here never reaches it.
        _app = await RunningApp.StartAsync(Roles.Client | Roles.Runner,
            ("Runner:Sqlite", _history), ("Runner:SessionRateLimitMax", "2"));
        _http = new HttpClient(new HttpClientHandler { UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = _app.ClientUrl,
        };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        File.Delete(_history);
    }

    [Fact]
    public async Task Given_the_root_When_fetched_Then_the_IDE_page_comes_with_a_strict_policy_and_is_revalidated()
    {
        var response = await _http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.NotNull(response.Headers.ETag);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.Matches(@"<script type=""module"" src=""/assets/app-[A-Z0-9]+\.js"">", html);
    }

    [Fact]
    public async Task Given_the_page_ETag_When_fetched_again_with_it_Then_304_without_a_body()
    {
        var first = await _http.GetAsync("/");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        var response = await _http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Given_the_hashed_script_the_page_names_When_fetched_with_gzip_Then_it_is_compressed_javascript_cached_for_a_year()
    {
        var html = await _http.GetStringAsync("/");
        var script = Regex.Match(html, @"/assets/app-[A-Z0-9]+\.js").Value;
        var stylesheet = Regex.Match(html, @"/assets/app-[A-Z0-9]+\.css").Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, script);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", response.Headers.CacheControl!.Extensions.Select(e => e.Name));
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var code = await new StreamReader(gzip).ReadToEndAsync();
        Assert.Contains("/sessions", code);
        var css = await _http.GetAsync(stylesheet);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Null(css.Content.Headers.ContentEncoding.FirstOrDefault());
    }

    [Fact]
    public async Task Given_a_file_that_is_not_embedded_When_fetched_Then_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/assets/app-NOPE.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task Given_POST_api_sessions_Then_the_runner_answers_through_the_client_with_its_cookie_and_status()
    {
        var response = await _http.PostAsync("/api/sessions", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = body.RootElement.GetProperty("token").GetString();
        Assert.False(string.IsNullOrEmpty(token));
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith($"coderunner_session={token}", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        // The session works through the client, in the cookie as a browser sends it.
        using var settings = new HttpRequestMessage(HttpMethod.Get, "/api/settings");
        settings.Headers.Add("Cookie", $"coderunner_session={token}");
        var answer = await _http.SendAsync(settings);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("\"font_size\"", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_no_session_When_an_api_call_is_made_Then_the_runner_401_passes_through_unchanged()
    {
        var response = await _http.GetAsync("/api/history");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("authentication required", await response.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Given_the_runner_rate_limits_When_the_limit_is_passed_Then_429_and_Retry_After_reach_the_browser()
    {
        HttpResponseMessage response;
        var attempts = 0;
        do
        {
            response = await _http.PostAsync("/api/sessions", null);
        }
        while (response.StatusCode != HttpStatusCode.TooManyRequests && ++attempts < 5);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("rate limit exceeded", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("PUT", "/api/settings", """{"font_size":12,"theme":"<FF>"}""", "theme is not valid UTF-8")]
    [InlineData("POST", "/api/submissions", """{"language_id":71,"source_code":"print(1)<ED A0 80>"}""", "source_code is not valid UTF-8")]
    [InlineData("POST", "/api/submissions", """{"language_id":71,"<C3 28>":"print(1)"}""", "a property name is not valid UTF-8")]
    public async Task Given_bytes_that_are_not_UTF8_in_an_api_body_Then_the_runners_400_naming_the_body_reaches_the_browser(string method, string path, string json, string message)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = NotUtf8.Json(json) };
        request.Headers.Add("X-Session-Token", await SessionAsync());

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"malformed JSON in request body: {message}", body.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Given_a_40_MB_api_body_Then_413_naming_the_limit_whether_its_length_is_sent_or_not(bool chunked)
    {
        var token = await SessionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/submissions") { Content = Large(40 * 1024 * 1024, chunked) };
        request.Headers.Add("X-Session-Token", token);
        request.Headers.TransferEncodingChunked = chunked;

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("request body is larger than 1048576 bytes", body.RootElement.GetProperty("error").GetString());
        // The client is still there for the next call.
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health")).StatusCode);
    }

    /// <summary>A JSON submission of <paramref name="size"/> bytes, streamed (chunked) or with its length.</summary>
    internal static HttpContent Large(int size, bool chunked)
    {
        var prefix = Encoding.UTF8.GetBytes("""{"language_id":71,"source_code":" """.TrimEnd());
        var bytes = new byte[size];
        Array.Fill(bytes, (byte)'a');
        prefix.CopyTo(bytes, 0);
        "\"}"u8.CopyTo(bytes.AsSpan(size - 2));
        HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<string> SessionAsync()
    {
        var created = await _http.PostAsync("/api/sessions", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("token").GetString()!;
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [Fact]
    public async Task Given_a_live_runner_Then_the_client_is_ready()
    {
        var response = await _http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ready", await response.Content.ReadAsStringAsync());
    }
}

public sealed class ClientBodyLimitTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Given_a_runner_with_a_lower_limit_than_the_client_Then_the_runners_413_reaches_the_browser(bool chunked)
    {
        var history = Path.Combine(Path.GetTempPath(), $"coderunner-client-{Guid.NewGuid():N}.db");
        await using var app = await RunningApp.StartAsync(Roles.Client | Roles.Runner,
            ("Runner:Sqlite", history), ("Runner:MaxRequestBytes", "1000"), ("Client:MaxRequestBytes", "50000000"));
        using var http = new HttpClient { BaseAddress = app.ClientUrl };
        var created = await http.PostAsync("/api/sessions", null);
        using var session = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/submissions") { Content = ClientServingTests.Large(40 * 1024 * 1024, chunked) };
        request.Headers.Add("X-Session-Token", session.RootElement.GetProperty("token").GetString());
        request.Headers.TransferEncodingChunked = chunked;

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("request body is larger than 1000 bytes", body.RootElement.GetProperty("error").GetString());
        File.Delete(history);
    }
}

public sealed class ClientWithoutRunnerTests
{
    [Fact]
    public async Task Given_the_runner_is_unreachable_When_the_api_is_called_Then_502_with_a_server_down_error()
    {
        await using var app = await RunningApp.StartAsync(Roles.Client, ("RUNNER_API_URL", $"http://127.0.0.1:{FreePort.Next()}"));
        using var http = new HttpClient { BaseAddress = app.ClientUrl };

        var response = await http.GetAsync("/api/languages");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("server down", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_the_runner_is_unreachable_Then_the_client_is_alive_but_not_ready()
    {
        await using var app = await RunningApp.StartAsync(Roles.Client, ("RUNNER_API_URL", $"http://127.0.0.1:{FreePort.Next()}"));
        using var http = new HttpClient { BaseAddress = app.ClientUrl };

        var ready = await http.GetAsync("/health/ready");
        var alive = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("runner unreachable", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public void Given_the_client_role_alone_without_RUNNER_API_URL_Then_it_refuses_to_start_naming_the_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Program.Build(RunOptions.For(Roles.Client,
            ("Client:Urls", $"http://127.0.0.1:{FreePort.Next()}"))));

        Assert.Contains("RUNNER_API_URL", error.Message);
    }
}
