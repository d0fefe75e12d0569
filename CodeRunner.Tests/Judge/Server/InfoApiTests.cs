using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeRunner.Tests.Judge.Server;

public sealed class InfoApiTests : IAsyncLifetime
{
    private JudgeServerHost host = null!;

    public async Task InitializeAsync() => host = await JudgeServerHost.StartAsync(("AUTHN_TOKEN", "s3cret-token"), ("AUTHZ_TOKEN", "adm1n-token"));

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task<(HttpStatusCode Status, JsonNode? Body)> Get(string path) =>
        host.SendAsync(HttpMethod.Get, path, null, ("X-Auth-Token", "s3cret-token"));

    [Fact]
    public async Task Given_config_info_Then_all_39_judge0_keys_with_the_types_the_python_sdk_checks_and_no_secrets()
    {
        var (status, body) = await Get("/config_info");
        var json = body!.AsObject();
        string[] bools = ["allow_enable_network", "allow_enable_per_process_and_thread_memory_limit", "allow_enable_per_process_and_thread_time_limit", "enable_additional_files", "enable_batched_submissions", "enable_callbacks", "enable_command_line_arguments", "enable_compiler_options", "enable_network", "enable_per_process_and_thread_memory_limit", "enable_per_process_and_thread_time_limit", "enable_submission_delete", "enable_wait_result", "maintenance_mode", "redirect_stderr_to_stdout", "use_docs_as_homepage"];
        string[] numbers = ["callbacks_max_tries", "callbacks_timeout", "cpu_extra_time", "cpu_time_limit", "max_cpu_extra_time", "max_cpu_time_limit", "max_extract_size", "max_file_size", "max_max_file_size", "max_max_processes_and_or_threads", "max_memory_limit", "max_number_of_runs", "max_processes_and_or_threads", "max_queue_size", "max_stack_limit", "max_submission_batch_size", "max_wall_time_limit", "memory_limit", "number_of_runs", "stack_limit", "submission_cache_duration", "wall_time_limit"];

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(39, json.Count);
        Assert.All(bools, k => Assert.True(json[k]!.GetValueKind() is JsonValueKind.True or JsonValueKind.False, k));
        Assert.All(numbers, k => Assert.Equal(JsonValueKind.Number, json[k]!.GetValueKind()));
        Assert.Equal(JsonValueKind.Array, json["allowed_languages_for_compile_options"]!.GetValueKind());
        Assert.Equal("5.0", json["cpu_time_limit"]!.ToJsonString());
        Assert.Equal("128000", json["memory_limit"]!.ToJsonString());
        Assert.DoesNotContain("s3cret", body.ToJsonString());
        Assert.DoesNotContain("adm1n", body.ToJsonString());
    }

    [Fact]
    public async Task Given_about_and_version_Then_they_claim_judge0_1_13_1()
    {
        var (_, about) = await Get("/about");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/version");
        request.Headers.Add("X-Auth-Token", "s3cret-token");
        using var version = await host.Client.SendAsync(request);

        Assert.Equal("1.13.1", about!["version"]!.GetValue<string>());
        Assert.Equal(["version", "homepage", "source_code", "maintainer"], about.AsObject().Select(p => p.Key));
        Assert.Equal("1.13.1", await version.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_published_languages_Then_lists_and_detail_match_judge0_shapes()
    {
        var (_, list) = await Get("/languages");
        var (_, all) = await Get("/languages/all");
        var (_, one) = await Get("/languages/50");
        var (missingStatus, _) = await Get("/languages/12345");

        Assert.Equal("""[{"id":50,"name":"C (GCC 12.2.0)"},{"id":71,"name":"Python (3.11.2)"}]""", list!.ToJsonString());
        Assert.False(all![0]!["is_archived"]!.GetValue<bool>());
        Assert.Equal(["id", "name", "is_archived", "source_file", "compile_cmd", "run_cmd"], one!.AsObject().Select(p => p.Key));
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task Given_statuses_Then_fourteen_judge0_statuses()
    {
        var (_, body) = await Get("/statuses");

        Assert.Equal(14, body!.AsArray().Count);
        Assert.Equal("""{"id":6,"description":"Compilation Error"}""", body[5]!.ToJsonString());
    }

    [Theory]
    [InlineData("/system_info")]
    [InlineData("/statistics")]
    [InlineData("/workers")]
    public async Task Given_informational_json_endpoint_Then_200_without_secrets(string path)
    {
        var (status, body) = await Get(path);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body);
        Assert.DoesNotContain("s3cret", body.ToJsonString());
    }

    [Theory]
    [InlineData("/license")]
    [InlineData("/isolate")]
    public async Task Given_informational_text_endpoint_Then_200_text(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Auth-Token", "s3cret-token");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        Assert.NotEmpty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_a_submission_Then_statistics_counts_it_by_language_and_status()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/submissions") { Content = System.Net.Http.Json.JsonContent.Create(new { source_code = "x", language_id = 71 }) };
        request.Headers.Add("X-Auth-Token", "s3cret-token");
        (await host.Client.SendAsync(request)).EnsureSuccessStatusCode();

        var (_, body) = await Get("/statistics?invalidate_cache=true");

        Assert.Equal(1, body!["submissions"]!["total"]!.GetValue<long>());
        Assert.Equal(1, body["submissions"]!["today"]!.GetValue<long>());
        Assert.Equal("Python (3.11.2)", body["languages"]![0]!["language"]!["name"]!.GetValue<string>());
        Assert.Equal(30, body["submissions"]!["last_30_days"]!.AsObject().Count);
    }
}
