using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

public sealed class ForwardingTests(RunnerFixture fixture) : IClassFixture<RunnerFixture>
{
    private RunnerStack Stack => fixture.Stack;

    [Fact]
    public async Task Given_hello_world_with_wait_true_Then_the_judges_result_comes_back_with_stdout()
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var response = await http.PostAsync("/submissions?wait=true", RunnerStack.Submission(RunnerStack.Hello));
        var body = await RunnerStack.BodyAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("hello, world\n", body["stdout"]!.GetValue<string>());
        Assert.Equal(3, body["status"]!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Given_hello_world_with_wait_false_Then_polling_the_token_returns_stdout()
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var token = await RunnerStack.SubmitAsync(http, "print(input()[::-1])", stdin: "abc");
        var result = await RunnerStack.PollAsync(http, token);

        Assert.Equal("cba\n", result["stdout"]!.GetValue<string>());
        Assert.Equal("Accepted", result["status"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_base64_encoded_true_Then_the_encoded_request_and_answer_pass_through()
    {
        using var http = Stack.WithKey(fixture.AliceKey);
        var source = Convert.ToBase64String(Encoding.UTF8.GetBytes(RunnerStack.Hello));

        var response = await http.PostAsync("/submissions?base64_encoded=true&wait=true",
            RunnerStack.Json($$"""{"language_id":71,"source_code":"{{source}}"}"""));
        var body = await RunnerStack.BodyAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("hello, world\n", Encoding.UTF8.GetString(Convert.FromBase64String(body["stdout"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Given_fields_chosen_by_the_caller_Then_the_answer_holds_exactly_those()
    {
        using var http = Stack.WithKey(fixture.AliceKey);
        var token = await RunnerStack.SubmitAsync(http, RunnerStack.Hello);
        await RunnerStack.PollAsync(http, token);

        var body = (JsonObject)await RunnerStack.BodyAsync(await http.GetAsync($"/submissions/{token}?fields=stdout"));

        Assert.Equal(["stdout"], body.Select(p => p.Key));
        Assert.Equal("hello, world\n", body["stdout"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_token_of_another_caller_Then_404_for_it_alone_and_null_in_a_batch()
    {
        using var alice = Stack.WithKey(fixture.AliceKey);
        using var bob = Stack.WithKey(fixture.BobKey);
        var aliceToken = await RunnerStack.SubmitAsync(alice, RunnerStack.Hello);
        var bobToken = await RunnerStack.SubmitAsync(bob, RunnerStack.Hello);

        var single = await bob.GetAsync($"/submissions/{aliceToken}");
        var batch = await RunnerStack.BodyAsync(await bob.GetAsync($"/submissions/batch?tokens={aliceToken},{bobToken}"));
        var own = await alice.GetAsync($"/submissions/{aliceToken}");

        Assert.Equal(HttpStatusCode.NotFound, single.StatusCode);
        Assert.Equal("""{"status":404,"error":"Not Found"}""", await single.Content.ReadAsStringAsync());
        var items = batch["submissions"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Null(items[0]);
        Assert.Equal(bobToken, items[1]!["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Given_a_batch_Then_every_created_token_belongs_to_the_caller()
    {
        using var http = Stack.WithKey(fixture.AliceKey);
        var body = new JsonObject
        {
            ["submissions"] = new JsonArray(
                new JsonObject { ["language_id"] = 71, ["source_code"] = "print(1)" },
                new JsonObject { ["language_id"] = 71, ["source_code"] = "print(2)" }),
        };

        var created = await RunnerStack.PostJsonAsync(http, "/submissions/batch", body);
        var tokens = (await RunnerStack.BodyAsync(created)).AsArray().Select(t => t!["token"]!.GetValue<string>()).ToList();
        var first = await RunnerStack.PollAsync(http, tokens[0]);
        var second = await RunnerStack.PollAsync(http, tokens[1]);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("1\n", first["stdout"]!.GetValue<string>());
        Assert.Equal("2\n", second["stdout"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("GET", "/workers")]
    [InlineData("GET", "/config_info")]
    [InlineData("GET", "/system_info")]
    [InlineData("GET", "/statistics")]
    [InlineData("GET", "/about")]
    [InlineData("GET", "/version")]
    [InlineData("GET", "/isolate")]
    [InlineData("POST", "/authorize")]
    [InlineData("POST", "/authenticate")]
    [InlineData("GET", "/submissions")]
    [InlineData("DELETE", "/submissions/00000000-0000-0000-0000-000000000000")]
    [InlineData("PUT", "/submissions/00000000-0000-0000-0000-000000000000")]
    [InlineData("GET", "/languages/all")]
    [InlineData("GET", "/")]
    public async Task Given_a_judge_admin_or_unlisted_path_Then_the_runner_answers_404_even_with_a_key(string method, string path)
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Given_an_unknown_language_Then_the_judges_422_passes_through_unchanged()
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var response = await http.PostAsync("/submissions", RunnerStack.Submission("x", languageId: 99999));
        var body = await RunnerStack.BodyAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("language with id 99999 doesn't exist", body["language_id"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_body_over_the_limit_Then_413_before_anything_is_forwarded()
    {
        using var http = Stack.WithKey(fixture.AliceKey);
        var source = new string('a', 1024 * 1024 + 1);

        var response = await http.PostAsync("/submissions", RunnerStack.Submission(source));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 1048576", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/submissions", """{"source_code":"x"}""", "language_id")]
    [InlineData("/submissions", """{"language_id":"python","source_code":"x"}""", "language_id")]
    [InlineData("/submissions", """{"language_id":7.5,"source_code":"x"}""", "language_id")]
    [InlineData("/submissions", """{"language_id":71,"source_code":{"a":1}}""", "source_code")]
    [InlineData("/submissions/batch", """{"submissions":[]}""", "submissions")]
    [InlineData("/submissions/batch", """{"submissions":[{"language_id":71},{"language_id":"x"}]}""", "submissions[1].language_id")]
    public async Task Given_an_invalid_field_Then_422_naming_it(string path, string json, string field)
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var response = await http.PostAsync(path, RunnerStack.Json(json));
        var body = await RunnerStack.BodyAsync(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(field, body["field"]!.GetValue<string>());
        Assert.StartsWith(field, body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_a_batch_of_21_Then_422_naming_submissions()
    {
        using var http = Stack.WithKey(fixture.AliceKey);
        var items = new JsonArray();
        for (var i = 0; i < 21; i++)
        {
            items.Add(new JsonObject { ["language_id"] = 71, ["source_code"] = "print(1)" });
        }

        var response = await RunnerStack.PostJsonAsync(http, "/submissions/batch", new JsonObject { ["submissions"] = items });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("submissions", (await RunnerStack.BodyAsync(response))["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/submissions", "[1,2]", HttpStatusCode.BadRequest)]
    [InlineData("/submissions", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("/submissions", "", HttpStatusCode.BadRequest)]
    [InlineData("/submissions?wait=yes", """{"language_id":71}""", HttpStatusCode.BadRequest)]
    [InlineData("/submissions?base64_encoded=1", """{"language_id":71}""", HttpStatusCode.BadRequest)]
    [InlineData("/submissions?fields=stdout;drop", """{"language_id":71}""", HttpStatusCode.BadRequest)]
    [InlineData("/submissions", """{"language_id":71,"source_code":"\ud800"}""", HttpStatusCode.BadRequest)]
    [InlineData("/submissions", """{"language_id":71,"source_code":"print(1)","source_code":"print(2)"}""", HttpStatusCode.BadRequest)]
    [InlineData("/submissions/batch", """{"submissions":[{"language_id":71,"source_code":"x","stdin":"\udc00"}]}""", HttpStatusCode.BadRequest)]
    public async Task Given_a_malformed_request_Then_a_4xx_with_an_error_and_never_a_500(string path, string json, HttpStatusCode expected)
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var response = await http.PostAsync(path, RunnerStack.Json(json));

        Assert.Equal(expected, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/submissions", """{"language_id":71,"source_code":"print(1)<FF>"}""", "source_code is not valid UTF-8")]
    [InlineData("/submissions", """{"language_id":71,"source_code":"print(1)","<ED A0 80>":1}""", "a property name is not valid UTF-8")]
    [InlineData("/submissions/batch", """{"submissions":[{"language_id":71,"source_code":"x","stdin":"<C3 28>"}]}""", "submissions[0].stdin is not valid UTF-8")]
    public async Task Given_bytes_that_are_not_UTF8_in_the_body_Then_400_naming_the_body_and_nothing_is_forwarded_or_recorded(string path, string json, string message)
    {
        using var http = await Stack.NewSessionAsync();

        var response = await http.PostAsync(path, NotUtf8.Json(json));
        var history = await RunnerStack.BodyAsync(await http.GetAsync("/history"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"malformed JSON in request body: {message}", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
        Assert.Empty(history["items"]!.AsArray());
    }

    [Fact]
    public async Task Given_a_form_body_Then_415_asking_for_JSON()
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var response = await http.PostAsync("/submissions", new FormUrlEncodedContent([new("language_id", "71")]));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Given_languages_and_statuses_Then_the_judges_lists_come_back()
    {
        using var http = Stack.WithKey(fixture.AliceKey);

        var languages = (await RunnerStack.BodyAsync(await http.GetAsync("/languages"))).AsArray();
        var python = await RunnerStack.BodyAsync(await http.GetAsync("/languages/71"));
        var statuses = (await RunnerStack.BodyAsync(await http.GetAsync("/statuses"))).AsArray();

        Assert.Contains(languages, l => l!["id"]!.GetValue<int>() == 71);
        Assert.StartsWith("Python", python["name"]!.GetValue<string>());
        Assert.Equal("Accepted", statuses.Single(s => s!["id"]!.GetValue<int>() == 3)!["description"]!.GetValue<string>());
    }
}
