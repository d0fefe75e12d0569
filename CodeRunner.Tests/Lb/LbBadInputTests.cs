using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Lb;

/// <summary>Bad input through the lb gets the judge-server's own 4xx, never a 5xx.</summary>
public sealed class LbBadInputTests
{
    [Theory]
    [InlineData("/submissions", """{"language_id":71,"source_code":"print(1)<FF>"}""", "source_code is not valid UTF-8")]
    [InlineData("/submissions/batch", """{"submissions":[{"language_id":71,"<C3 28>":"x"}]}""", "a property name of submissions[0] is not valid UTF-8")]
    public async Task Given_bytes_that_are_not_UTF8_in_the_body_Then_the_judge_servers_400_naming_the_body_comes_through(string path, string json, string message)
    {
        await using var app = await RunningApp.StartAsync(Roles.Lb | Roles.JudgeServer);
        await Health.WaitAsync(app.LbUrl, "/health/ready", TimeSpan.FromSeconds(30));
        using var lb = new HttpClient { BaseAddress = app.LbUrl };

        using var response = await lb.PostAsync(path, NotUtf8.Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"malformed JSON in request body: {message}", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }
}
