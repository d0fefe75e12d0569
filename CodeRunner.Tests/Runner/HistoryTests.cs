using System.Net;
using System.Text.Json.Nodes;

namespace CodeRunner.Tests.Runner;

public sealed class HistoryTests(RunnerFixture fixture) : IClassFixture<RunnerFixture>
{
    private RunnerStack Stack => fixture.Stack;

    [Fact]
    public async Task Given_three_submissions_Then_history_lists_them_newest_first_paged_and_finished()
    {
        using var http = await Stack.NewSessionAsync();
        var tokens = new List<string>();
        foreach (var n in new[] { 1, 2, 3 })
        {
            // wait=false: the runner learns the result only when /history asks the judge tier.
            tokens.Add(await RunnerStack.SubmitAsync(http, $"print({n})", stdin: $"in{n}"));
        }
        foreach (var token in tokens)
        {
            await WaitFinishedOnJudgeAsync(token);
        }

        var first = await RunnerStack.BodyAsync(await http.GetAsync("/history?page=1&per_page=2"));
        var second = await RunnerStack.BodyAsync(await http.GetAsync("/history?page=2&per_page=2"));

        var page1 = first["items"]!.AsArray();
        var page2 = second["items"]!.AsArray();
        Assert.Equal(3, first["total"]!.GetValue<long>());
        Assert.Equal(1, first["page"]!.GetValue<int>());
        Assert.Equal(2, first["per_page"]!.GetValue<int>());
        Assert.Equal([tokens[2], tokens[1]], page1.Select(i => i!["token"]!.GetValue<string>()));
        Assert.Equal([tokens[0]], page2.Select(i => i!["token"]!.GetValue<string>()));
        var newest = page1[0]!;
        Assert.Equal("print(3)", newest["source_code"]!.GetValue<string>());
        Assert.Equal("in3", newest["stdin"]!.GetValue<string>());
        Assert.Equal(71, newest["language_id"]!.GetValue<int>());
        Assert.StartsWith("Python", newest["language_name"]!.GetValue<string>());
        Assert.Equal(3, newest["status"]!["id"]!.GetValue<int>());
        Assert.Equal("Accepted", newest["status"]!["description"]!.GetValue<string>());
        Assert.NotNull(newest["time"]);
        Assert.NotNull(newest["memory"]);
        Assert.NotNull(newest["created_at"]);
        Assert.NotNull(newest["finished_at"]);
    }

    [Fact]
    public async Task Given_a_key_and_a_session_Then_each_history_holds_only_its_own_submissions()
    {
        var mine = await Stack.CreateKeyAsync("history-mine");
        using var me = Stack.WithKey(mine);
        using var them = await Stack.NewSessionAsync();

        var myToken = await RunnerStack.SubmitAsync(me, "print('mine')");
        var theirToken = await RunnerStack.SubmitAsync(them, "print('theirs')");
        var myHistory = await RunnerStack.BodyAsync(await me.GetAsync("/history"));
        var theirHistory = await RunnerStack.BodyAsync(await them.GetAsync("/history"));

        Assert.Equal([myToken], myHistory["items"]!.AsArray().Select(i => i!["token"]!.GetValue<string>()));
        Assert.Equal([theirToken], theirHistory["items"]!.AsArray().Select(i => i!["token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Given_wait_true_with_base64_Then_history_holds_the_decoded_source_and_the_result_at_once()
    {
        using var http = await Stack.NewSessionAsync();
        var source = Convert.ToBase64String(Encoding.UTF8.GetBytes("print('é')"));

        var created = await http.PostAsync("/submissions?wait=true&base64_encoded=true&fields=stdout",
            RunnerStack.Json($$"""{"language_id":71,"source_code":"{{source}}"}"""));
        var history = await RunnerStack.BodyAsync(await http.GetAsync("/history"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = Assert.Single(history["items"]!.AsArray())!;
        Assert.Equal("print('é')", item["source_code"]!.GetValue<string>());
        Assert.Equal(3, item["status"]!["id"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=x", "page")]
    [InlineData("per_page=0", "per_page")]
    [InlineData("per_page=101", "per_page")]
    public async Task Given_bad_paging_Then_400_naming_the_parameter(string query, string field)
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var response = await http.GetAsync($"/history?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await RunnerStack.BodyAsync(response))["field"]!.GetValue<string>());
    }

    /// <summary>Asks the judge-server directly (not through the runner, which would record the result).</summary>
    private async Task WaitFinishedOnJudgeAsync(string token)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var body = JsonNode.Parse(await Stack.App.Judge.GetStringAsync($"/submissions/{token}?fields=status_id"))!;
            if (body["status_id"]!.GetValue<int>() >= 3)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{token} not finished within 60 s");
            await Task.Delay(100);
        }
    }
}
