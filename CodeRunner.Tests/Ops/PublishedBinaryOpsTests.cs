using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Binary;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Ops;

/// <summary>The single-file binary serves the same docs and metrics (no assembly scanning, assets embedded).</summary>
public sealed class PublishedBinaryOpsTests(PublishedBinary binary) : IClassFixture<PublishedBinary>
{
    [Fact]
    public async Task Given_the_published_judge_server_Then_its_openapi_lists_the_judge0_endpoints_and_docs_and_metrics_answer()
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var server = CodeRunnerProcess.StartPublished(binary, "judge-server", url, "--judge-urls", url.ToString().TrimEnd('/'),
            "--set", $"Storage:Sqlite={Path.Combine(binary.Folder, $"ops-{Guid.NewGuid():N}.db")}");
        await server.WaitHealthyAsync();
        using var http = new HttpClient { BaseAddress = url };

        var document = JsonNode.Parse(await http.GetStringAsync("/api/openapi.json"))!;
        var docs = await http.GetAsync("/api/docs/");
        var script = await http.GetAsync("/api/docs/scalar.js");
        var metrics = await http.GetStringAsync("/metrics");

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/submissions", paths);
        Assert.Contains("/submissions/batch", paths);
        Assert.Contains("/statuses", paths);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True(OpsHttp.Has(metrics, "coderunner_queue_depth"), metrics);
    }
}
