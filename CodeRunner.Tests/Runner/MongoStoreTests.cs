using System.Net;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

/// <summary>The runner with its keys, sessions, history and settings in MongoDB (jongodb), as in production.</summary>
public sealed class MongoStoreTests
{
    [Fact]
    public async Task Given_MONGO_URL_Then_keys_from_the_CLI_submissions_history_ownership_and_settings_all_work()
    {
        var mongo = await MongoServer.Shared;
        await using var stack = await RunnerStack.StartAsync(
            Roles.Runner | Roles.JudgeServer | Roles.JudgeWorker, ("MONGO_URL", mongo.UrlWithNewDatabase()));
        var key = await stack.CreateKeyAsync("mongo-ci");
        using var http = stack.WithKey(key);
        using var other = await stack.NewSessionAsync();

        var created = await http.PostAsync("/submissions?wait=true", RunnerStack.Submission(RunnerStack.Hello));
        var token = (await RunnerStack.BodyAsync(created))["token"]!.GetValue<string>();
        var history = await RunnerStack.BodyAsync(await http.GetAsync("/history"));
        var stranger = await other.GetAsync($"/submissions/{token}");
        var saved = await http.PutAsync("/settings", RunnerStack.Json("""{"theme":"light"}"""));
        var settings = await RunnerStack.BodyAsync(await http.GetAsync("/settings"));
        var (revoked, _, _) = await stack.KeysAsync("revoke", "--name", "mongo-ci");
        var afterRevoke = await http.GetAsync("/settings");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = Assert.Single(history["items"]!.AsArray())!;
        Assert.Equal(token, item["token"]!.GetValue<string>());
        Assert.Equal(RunnerStack.Hello, item["source_code"]!.GetValue<string>());
        Assert.Equal(3, item["status"]!["id"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("light", settings["theme"]!.GetValue<string>());
        Assert.Equal(0, revoked);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.False(File.Exists(stack.HistoryFile));
    }
}
