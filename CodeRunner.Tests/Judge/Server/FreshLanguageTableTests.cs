using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Storage;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>
/// Before any worker has published its languages (a fresh database, the first seconds of
/// `--role all`), a submission cannot be judged yet but is not wrong either: a 503 to retry, not
/// Judge0's 422 "doesn't exist", which a client would show as its user's mistake.
/// </summary>
public sealed class FreshLanguageTableTests
{
    [Fact]
    public async Task Given_no_language_ever_published_Then_a_submission_is_a_503_to_retry_and_is_created_once_a_worker_published()
    {
        await using var app = await RunningApp.StartAsync(Roles.JudgeServer);

        var early = await app.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = "print(1)" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal("1", early.Headers.RetryAfter?.ToString());
        Assert.Equal("no worker has published its languages yet: retry shortly",
            JsonNode.Parse(await early.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());

        await app.Services.GetRequiredService<ILanguageStore>().PublishAsync([JudgeServerHost.Python], CancellationToken.None);
        var deadline = Stopwatch.StartNew();
        HttpResponseMessage later;
        while ((later = await app.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = "print(1)" })).StatusCode
            == HttpStatusCode.ServiceUnavailable && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
        }
        var unknown = await app.Judge.PostAsJsonAsync("/submissions", new { language_id = 9999, source_code = "x" });

        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
    }
}
