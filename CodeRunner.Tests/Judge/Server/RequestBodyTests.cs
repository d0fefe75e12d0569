using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>Bodies of known length (Content-Length) and of unknown length (chunked) read alike.</summary>
public sealed class RequestBodyTests
{
    private const string Body = """{"language_id":71,"source_code":"print(1)"}""";

    private static HttpContent Content(string json, bool chunked)
    {
        var content = chunked
            ? (HttpContent)new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            : new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_a_body_within_the_limit_Then_it_is_accepted_whether_its_length_is_sent_or_not(bool chunked)
    {
        await using var host = await JudgeServerHost.StartAsync(("MAX_REQUEST_BODY_SIZE", "200"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/submissions") { Content = Content(Body, chunked) };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        Assert.Equal("print(1)", Encoding.UTF8.GetString((await host.Store.GetAsync(token, CancellationToken.None))!.SourceCode!));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_a_body_over_the_limit_Then_413_names_the_limit_whether_its_length_is_sent_or_not(bool chunked)
    {
        await using var host = await JudgeServerHost.StartAsync(("MAX_REQUEST_BODY_SIZE", "20"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/submissions") { Content = Content(Body, chunked) };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request body is larger than 20 bytes", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Given_a_40_MB_body_over_the_default_limit_Then_the_sender_reads_the_413_rather_than_a_reset_connection(bool chunked)
    {
        await using var host = await JudgeServerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/submissions") { Content = Client.ClientServingTests.Large(40 * 1024 * 1024, chunked) };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request body is larger than 33554432 bytes", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_body_that_is_not_UTF8_Then_the_400_is_logged_in_one_line_without_a_stack_trace()
    {
        await using var host = await JudgeServerHost.StartAsync(("Logging:LogLevel:Default", "Information"));
        var log = LogCapture.Attach(host.Services);

        using var response = await host.Client.PostAsync("/submissions", NotUtf8.Json("""{"language_id":71,"source_code":"print(1)<FF>"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var ours = log.Entries.Where(e => e.Category.StartsWith("CodeRunner", StringComparison.Ordinal)).ToList();
        Assert.All(ours, e => Assert.Null(e.Exception));
        Assert.DoesNotContain(ours, e => e.Level >= LogLevel.Warning);
        var line = Assert.Single(ours, e => e.Message.Contains("not valid UTF-8"));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("POST /submissions: 400 malformed JSON in request body: source_code is not valid UTF-8", line.Message);
    }
}
