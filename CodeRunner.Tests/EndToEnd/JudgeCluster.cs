using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.EndToEnd;

/// <summary>One judge-server + judge-worker (2 slots, real sandbox) shared by the end-to-end tests.</summary>
public sealed class JudgeCluster : IAsyncLifetime
{
    private RunningApp? _app;

    internal RunningApp App => _app ?? throw new InvalidOperationException("not started");

    // Compiles run under the maximum limits, as Judge0's do. This cluster runs beside the whole
    // suite on two cores, where three kotlinc at once passed the default 20 s of wall time; no test
    // here is about that maximum, so the wall clock is no limit to the compilers.
    public async Task InitializeAsync() => _app = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker, ("MAX_WALL_TIME_LIMIT", "60"));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>POST /submissions?wait=true&amp;fields=* and the finished submission.</summary>
    public async Task<JsonObject> RunAsync(object submission, bool base64 = false)
    {
        var response = await App.Judge.PostAsJsonAsync($"/submissions?wait=true&fields=*&base64_encoded={(base64 ? "true" : "false")}", submission);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static int StatusOf(JsonObject s) => s["status"]!["id"]!.GetValue<int>();

    public static string? Text(JsonObject s, string field) => s[field]?.GetValue<string>();

    /// <summary>The submission for an assertion message, without its bulky inputs.</summary>
    public static string Describe(JsonObject s)
    {
        var copy = s.DeepClone().AsObject();
        copy.Remove("additional_files");
        copy.Remove("source_code");
        var json = copy.ToJsonString();
        return json.Length > 2000 ? json[..2000] + "…" : json;
    }
}

[CollectionDefinition(Name)]
public sealed class JudgeClusterCollection : ICollectionFixture<JudgeCluster>
{
    public const string Name = "judge cluster";
}
