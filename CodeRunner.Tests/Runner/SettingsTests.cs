using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CodeRunner.Tests.Runner;

public sealed class SettingsTests(RunnerFixture fixture) : IClassFixture<RunnerFixture>
{
    private RunnerStack Stack => fixture.Stack;

    [Fact]
    public async Task Given_nothing_saved_Then_settings_are_the_defaults()
    {
        using var http = await Stack.NewSessionAsync();

        var body = await RunnerStack.BodyAsync(await http.GetAsync("/settings"));

        Assert.Equal("""{"language_id":71,"theme":"dark","font_size":14,"key_map":"default"}""", body.ToJsonString());
    }

    [Fact]
    public async Task Given_partial_updates_Then_each_is_merged_saved_and_read_back_for_that_caller_only()
    {
        using var http = await Stack.NewSessionAsync();
        using var other = Stack.WithKey(fixture.BobKey);

        var first = await http.PutAsync("/settings", RunnerStack.Json("""{"theme":"light","font_size":18}"""));
        var second = await http.PutAsync("/settings", RunnerStack.Json("""{"key_map":"vim","language_id":54}"""));
        var read = await RunnerStack.BodyAsync(await http.GetAsync("/settings"));
        var others = await RunnerStack.BodyAsync(await other.GetAsync("/settings"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"language_id":71,"theme":"light","font_size":18,"key_map":"default"}""", (await RunnerStack.BodyAsync(first)).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("""{"language_id":54,"theme":"light","font_size":18,"key_map":"vim"}""", read.ToJsonString());
        Assert.Equal("dark", others["theme"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"theme":"blue"}""", "theme")]
    [InlineData("""{"font_size":9}""", "font_size")]
    [InlineData("""{"font_size":33}""", "font_size")]
    [InlineData("""{"font_size":"14"}""", "font_size")]
    [InlineData("""{"key_map":"nano"}""", "key_map")]
    [InlineData("""{"language_id":0}""", "language_id")]
    [InlineData("""{"language_id":-3}""", "language_id")]
    [InlineData("""{"colour":"red"}""", "colour")]
    public async Task Given_an_invalid_value_Then_422_naming_the_field_and_nothing_changes(string json, string field)
    {
        using var http = await Stack.NewSessionAsync();

        var response = await http.PutAsync("/settings", RunnerStack.Json(json));
        var after = await RunnerStack.BodyAsync(await http.GetAsync("/settings"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(field, (await RunnerStack.BodyAsync(response))["field"]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse("""{"language_id":71,"theme":"dark","font_size":14,"key_map":"default"}""")!.ToJsonString(), after.ToJsonString());
    }

    [Theory]
    [InlineData("""{"theme":"li<FF>ght"}""", "theme is not valid UTF-8")]
    [InlineData("""{"the<C3 28>me":"light"}""", "a property name is not valid UTF-8")]
    public async Task Given_bytes_that_are_not_UTF8_in_the_body_Then_400_naming_the_body_nothing_changes_and_nothing_is_logged_as_a_failure(string json, string message)
    {
        using var http = await Stack.NewSessionAsync();
        var log = LogCapture.Attach(Stack.App.Services);

        var response = await http.PutAsync("/settings", NotUtf8.Json(json));
        var after = await RunnerStack.BodyAsync(await http.GetAsync("/settings"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"malformed JSON in request body: {message}", (await RunnerStack.BodyAsync(response))["error"]!.GetValue<string>());
        Assert.Equal("dark", after["theme"]!.GetValue<string>());
        Assert.DoesNotContain(log.Entries, e => e.Exception is not null || e.Level >= LogLevel.Warning);
    }
}
