using System.Net;
using System.Text.Json.Nodes;

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
}
