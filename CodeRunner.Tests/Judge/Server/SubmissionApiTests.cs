using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Judge.Server;

public sealed class SubmissionApiTests : IAsyncLifetime
{
    private JudgeServerHost host = null!;

    public async Task InitializeAsync() => host = await JudgeServerHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Given_valid_submission_Then_created_with_only_a_token_and_queued()
    {
        var (status, body) = await host.PostAsync("/submissions", new { source_code = "print(1)", language_id = 71 });

        Assert.Equal(HttpStatusCode.Created, status);
        var json = Assert.IsType<JsonObject>(body);
        Assert.Equal(["token"], json.Select(p => p.Key));
        Assert.True(Guid.TryParse(json["token"]!.GetValue<string>(), out _));
        Assert.Equal(1, await host.Queue.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Given_new_submission_Then_get_shows_default_fields_in_judge0_order_with_status_in_queue()
    {
        var token = await host.CreateAsync();

        var (status, body) = await host.GetAsync($"/submissions/{token}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["stdout", "time", "memory", "stderr", "token", "compile_output", "message", "status"], body!.AsObject().Select(p => p.Key));
        Assert.Equal(1, body["status"]!["id"]!.GetValue<int>());
        Assert.Equal("In Queue", body["status"]!["description"]!.GetValue<string>());
        Assert.Null(body["stdout"]);
    }

    [Fact]
    public async Task Given_finished_submission_Then_time_is_a_decimal_string_and_memory_an_integer()
    {
        var token = await host.CreateAsync();
        await host.FinishNextAsync(stdout: "hello\n"u8.ToArray(), time: 0.001m, memory: 376);

        var (_, body) = await host.GetAsync($"/submissions/{token}");

        Assert.Equal("0.001", body!["time"]!.GetValue<string>());
        Assert.Equal(376, body["memory"]!.GetValue<int>());
        Assert.Equal("hello\n", body["stdout"]!.GetValue<string>());
        Assert.Equal(3, body["status"]!["id"]!.GetValue<int>());
        Assert.Equal("Accepted", body["status"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_fields_star_Then_every_attribute_with_limits_as_decimal_strings_and_language()
    {
        var token = await host.CreateAsync(new { source_code = "print(1)", language_id = 71, cpu_time_limit = "2", wall_time_limit = 3.5 });

        var (_, body) = await host.GetAsync($"/submissions/{token}?fields=*");

        var json = body!.AsObject();
        Assert.Equal(35, json.Count);
        Assert.Equal("2.0", json["cpu_time_limit"]!.GetValue<string>());
        Assert.Equal("3.5", json["wall_time_limit"]!.GetValue<string>());
        Assert.Equal("1.0", json["cpu_extra_time"]!.GetValue<string>());
        Assert.Equal(128000, json["memory_limit"]!.GetValue<int>());
        Assert.Equal("print(1)", json["source_code"]!.GetValue<string>());
        Assert.Equal(71, json["language"]!["id"]!.GetValue<int>());
        Assert.Equal("Python (3.11.2)", json["language"]!["name"]!.GetValue<string>());
        Assert.False(json["enable_network"]!.GetValue<bool>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", json["created_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_requested_fields_Then_only_those_in_serializer_order()
    {
        var token = await host.CreateAsync();

        var (_, body) = await host.GetAsync($"/submissions/{token}?fields=status,token,language_id");

        Assert.Equal(["language_id", "token", "status"], body!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Given_unknown_fields_Then_400_naming_them()
    {
        var token = await host.CreateAsync();

        var (status, body) = await host.GetAsync($"/submissions/{token}?fields=token,foo,bar");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid fields: [foo, bar]", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_unknown_token_Then_404_with_rails_not_found_error()
    {
        var (status, body) = await host.GetAsync($"/submissions/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_base64_input_with_non_ascii_and_line_breaks_Then_stored_bytes_round_trip_as_mime_base64()
    {
        var source = "print('héllo wörld ✓')\n" + new string('#', 100);
        var mime = Convert.ToBase64String(Encoding.UTF8.GetBytes(source)).Chunk(60).Select(c => new string(c) + "\n");
        var (_, created) = await host.PostAsync("/submissions?base64_encoded=true", new { source_code = string.Concat(mime), language_id = 71 });
        var token = created!["token"]!.GetValue<string>();

        var (_, plain) = await host.GetAsync($"/submissions/{token}?fields=source_code");
        var (_, encoded) = await host.GetAsync($"/submissions/{token}?fields=source_code&base64_encoded=true");

        Assert.Equal(source, plain!["source_code"]!.GetValue<string>());
        var text = encoded!["source_code"]!.GetValue<string>();
        Assert.EndsWith("\n", text);
        Assert.All(text.TrimEnd('\n').Split('\n')[..^1], line => Assert.Equal(60, line.Length));
        Assert.Equal(source, Encoding.UTF8.GetString(Convert.FromBase64String(text.Replace("\n", ""))));
    }

    [Fact]
    public async Task Given_base64_encoded_true_Then_input_is_decoded_and_output_and_message_are_encoded()
    {
        var (_, created) = await host.PostAsync("/submissions?base64_encoded=true",
            new { source_code = Convert.ToBase64String("print(1)"u8), language_id = 71, stdin = "aGk=" });
        var token = created!["token"]!.GetValue<string>();
        await host.FinishNextAsync(statusId: 11, stdout: "hello, Judge0\n"u8.ToArray(), message: "Exited with error status 1");

        var (_, body) = await host.GetAsync($"/submissions/{token}?base64_encoded=true&fields=stdout,message,stdin,source_code");

        Assert.Equal("aGVsbG8sIEp1ZGdlMAo=\n", body!["stdout"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String("Exited with error status 1"u8) + "\n", body["message"]!.GetValue<string>());
        Assert.Equal("aGk=\n", body["stdin"]!.GetValue<string>());
        Assert.Equal("cHJpbnQoMSk=\n", body["source_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_output_that_is_not_utf8_Then_400_without_base64_and_exact_bytes_with_it()
    {
        var token = await host.CreateAsync();
        byte[] raw = [0xff, 0xfe, 0x41, 0x0a];
        await host.FinishNextAsync(stdout: raw);

        var (status, body) = await host.GetAsync($"/submissions/{token}");
        var (okStatus, okBody) = await host.GetAsync($"/submissions/{token}?base64_encoded=true");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("use base64_encoded=true", body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal(raw, Convert.FromBase64String(okBody!["stdout"]!.GetValue<string>().Trim()));
    }

    [Fact]
    public async Task Given_wait_true_Then_request_is_answered_when_the_worker_saves_and_notifies()
    {
        var waiting = host.PostAsync("/submissions?wait=true&fields=stdout,status,token", new { source_code = "print(1)", language_id = 71 });
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        var job = await host.FinishNextAsync(stdout: "1\n"u8.ToArray());
        var (status, body) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(job.Token, body!["token"]!.GetValue<string>());
        Assert.Equal("1\n", body["stdout"]!.GetValue<string>());
        Assert.Equal(3, body["status"]!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Given_missing_everything_Then_422_with_judge0_messages()
    {
        var (status, body) = await host.PostAsync("/submissions", new { });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("can't be blank", body!["source_code"]![0]!.GetValue<string>());
        Assert.Equal("can't be blank", body["language_id"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("cpu_time_limit", "16", "must be less than or equal to 15.0")]
    [InlineData("cpu_time_limit", "-1", "must be greater than or equal to 0")]
    [InlineData("cpu_time_limit", "abc", "is not a number")]
    [InlineData("cpu_extra_time", 6, "must be less than or equal to 5.0")]
    [InlineData("wall_time_limit", 0.5, "must be greater than or equal to 1")]
    [InlineData("wall_time_limit", 21, "must be less than or equal to 20.0")]
    [InlineData("memory_limit", 2047, "must be greater than or equal to 2048")]
    [InlineData("memory_limit", "512001", "must be less than or equal to 512000")]
    [InlineData("stack_limit", 128001, "must be less than or equal to 128000")]
    [InlineData("max_processes_and_or_threads", 0, "must be greater than 0")]
    [InlineData("max_processes_and_or_threads", 121, "must be less than or equal to 120")]
    [InlineData("max_file_size", 4097, "must be less than or equal to 4096")]
    [InlineData("number_of_runs", 0, "must be greater than 0")]
    [InlineData("number_of_runs", 21, "must be less than or equal to 20")]
    [InlineData("memory_limit", 2147483648L, "must be less than or equal to 512000")]
    [InlineData("stack_limit", -2147483649L, "must be greater than or equal to 0")]
    [InlineData("max_processes_and_or_threads", 2147483648L, "must be less than or equal to 120")]
    [InlineData("max_file_size", "1e20", "must be less than or equal to 4096")]
    [InlineData("number_of_runs", "9223372036854775808", "must be less than or equal to 20")]
    [InlineData("enable_network", true, "enabling network is not allowed")]
    [InlineData("compiler_options", "-O2", "setting compiler options is only allowed for compiled languages")]
    [InlineData("command_line_arguments", "a\0b", "must not contain NUL characters")]
    [InlineData("callback_url", "http://127.0.0.1/hook", "must not point to a loopback, private or link-local address")]
    [InlineData("callback_url", "http://169.254.169.254/latest/meta-data", "must not point to a loopback, private or link-local address")]
    [InlineData("callback_url", "http://10.1.2.3/", "must not point to a loopback, private or link-local address")]
    [InlineData("callback_url", "http://[::1]/", "must not point to a loopback, private or link-local address")]
    [InlineData("callback_url", "http://localhost:9/", "must not point to a loopback, private or link-local address")]
    [InlineData("callback_url", "ftp://example.com/", "is not a valid http or https URL")]
    [InlineData("additional_files", "not base64!", "is not valid base64")]
    [InlineData("additional_files", "aGVsbG8=", "is not a valid zip archive")]
    public async Task Given_invalid_value_Then_422_naming_the_field(string field, object value, string message)
    {
        var body = new Dictionary<string, object> { ["source_code"] = "print(1)", ["language_id"] = 71, [field] = value };

        var (status, json) = await host.PostAsync("/submissions", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains(message, json![field]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal([field], json.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Given_long_options_unknown_and_archived_languages_Then_judge0_messages()
    {
        var (_, tooLong) = await host.PostAsync("/submissions", new { source_code = "x", language_id = 50, compiler_options = new string('a', 513) });
        var (_, unknown) = await host.PostAsync("/submissions", new { source_code = "x", language_id = 9999 });

        Assert.Equal("is too long (maximum is 512 characters)", tooLong!["compiler_options"]![0]!.GetValue<string>());
        Assert.Equal("language with id 9999 doesn't exist", unknown!["language_id"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_compiled_language_with_options_and_a_public_callback_Then_accepted()
    {
        var (status, _) = await host.PostAsync("/submissions",
            new { source_code = "int main(){}", language_id = "50", compiler_options = "-O2", callback_url = "http://93.184.216.34/hook" });

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task Given_invalid_base64_source_Then_422_naming_source_code()
    {
        var (status, body) = await host.PostAsync("/submissions?base64_encoded=true", new { source_code = "@@@", language_id = 71 });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("is not valid base64", body!["source_code"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_source_over_the_size_limit_Then_422()
    {
        var (status, body) = await host.PostAsync("/submissions", new { source_code = new string('x', 64 * 1024 + 1), language_id = 71 });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.StartsWith("is too long", body!["source_code"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_malformed_json_Then_400_naming_the_problem()
    {
        var (status, body) = await host.SendAsync(HttpMethod.Post, "/submissions", "{\"source_code\": ");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("malformed JSON", body!["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"source_code": "\ud800", "language_id": 71}""", "source_code holds a \\u escape of half a UTF-16 surrogate pair")]
    [InlineData("""{"source_code": "print(1)", "language_id": 71, "stdin": "a\udc00b"}""", "stdin holds a \\u escape of half a UTF-16 surrogate pair")]
    [InlineData("""{"source_code": "print(1)", "language_id": 71, "\ud800": 1}""", "a property name holds a \\u escape of half a UTF-16 surrogate pair")]
    [InlineData("""{"source_code": "print(1)", "language_id": 71, "source_code": "print(2)"}""", "Duplicate property 'source_code'")]
    public async Task Given_json_that_is_not_one_clear_text_per_field_Then_400_naming_the_field_not_a_500(string json, string message)
    {
        var (status, body) = await host.SendAsync(HttpMethod.Post, "/submissions", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body!["error"]!.GetValue<string>());
        Assert.Equal(0, await host.Queue.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Given_half_a_surrogate_pair_in_one_batch_item_Then_400_naming_the_item_and_field()
    {
        var json = """{"submissions": [{"source_code": "print(1)", "language_id": 71}, {"source_code": "print(2)", "language_id": 71, "stdin": "\udc00"}]}""";

        var (status, body) = await host.SendAsync(HttpMethod.Post, "/submissions/batch", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("submissions[1].stdin holds", body!["error"]!.GetValue<string>());
        Assert.Equal(0, await host.Queue.CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("/submissions", """{"source_code": "print(1)<FF>", "language_id": 71}""", "source_code is not valid UTF-8")]
    [InlineData("/submissions", """{"source_code": "print(1)", "language_id": 71, "stdin": "<ED A0 80>"}""", "stdin is not valid UTF-8")]
    [InlineData("/submissions", """{"source_code": "print(1)", "language_id": 71, "na<C3 28>me": 1}""", "a property name is not valid UTF-8")]
    [InlineData("/submissions", """{"<C0 AF>": "print(1)", "language_id": 71}""", "a property name is not valid UTF-8")]
    [InlineData("/submissions/batch", """{"submissions": [{"source_code": "print(1)", "language_id": 71}, {"source_code": "<F8 88 80 80 80>", "language_id": 71}]}""", "submissions[1].source_code is not valid UTF-8")]
    [InlineData("/submissions/batch", """{"submissions": [{"source_code": "print(1)", "language_id": 71, "<FF>": 1}]}""", "a property name of submissions[0] is not valid UTF-8")]
    public async Task Given_bytes_that_are_not_UTF8_inside_a_string_or_a_name_Then_400_naming_the_body_and_the_field_not_a_500(string path, string json, string message)
    {
        using var response = await host.Client.PostAsync(path, NotUtf8.Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();
        Assert.Equal($"malformed JSON in request body: {message}", error);
        Assert.Equal(0, await host.Queue.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Given_text_plain_body_Then_415()
    {
        using var content = new StringContent("print(1)", Encoding.UTF8, "text/plain");
        using var response = await host.Client.PostAsync("/submissions", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("unsupported content type", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_form_encoded_params_like_rails_accepts_Then_created()
    {
        using var content = new FormUrlEncodedContent([new("source_code", "print(1)"), new("language_id", "71"), new("cpu_time_limit", "1.5")]);
        using var response = await host.Client.PostAsync("/submissions", content);
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();

        var (_, body) = await host.GetAsync($"/submissions/{token}?fields=cpu_time_limit");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("1.5", body!["cpu_time_limit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_unknown_json_properties_Then_ignored()
    {
        var (status, _) = await host.PostAsync("/submissions", new { source_code = "print(1)", language_id = 71, colour = "blue", nested = new { a = 1 } });

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Fact]
    public async Task Given_batch_with_valid_and_invalid_items_Then_201_with_tokens_and_error_objects_in_order()
    {
        var (status, body) = await host.PostAsync("/submissions/batch", new
        {
            submissions = new object[]
            {
                new { source_code = "print(1)", language_id = 71 },
                new { language_id = 71 },
            },
        });

        Assert.Equal(HttpStatusCode.Created, status);
        var items = body!.AsArray();
        Assert.True(Guid.TryParse(items[0]!["token"]!.GetValue<string>(), out _));
        Assert.Equal("can't be blank", items[1]!["source_code"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_batch_with_only_invalid_items_Then_422()
    {
        var (status, body) = await host.PostAsync("/submissions/batch", new { submissions = new object[] { new { language_id = 71 } } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.NotNull(body![0]!["source_code"]);
    }

    [Fact]
    public async Task Given_empty_or_oversized_batch_Then_400_with_judge0_messages()
    {
        var (emptyStatus, empty) = await host.PostAsync("/submissions/batch", new { submissions = Array.Empty<object>() });
        var (bigStatus, big) = await host.PostAsync("/submissions/batch",
            new { submissions = Enumerable.Range(0, 21).Select(_ => new { source_code = "x", language_id = 71 }).ToArray() });

        Assert.Equal(HttpStatusCode.BadRequest, emptyStatus);
        Assert.Equal("there should be at least one submission in a batch", empty!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, bigStatus);
        Assert.Equal("number of submissions in a batch should be less than or equal to 20", big!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_batch_show_Then_submissions_in_token_order_with_null_for_unknown()
    {
        var first = await host.CreateAsync();
        var second = await host.CreateAsync();

        var (status, body) = await host.GetAsync($"/submissions/batch?tokens={second},{Guid.NewGuid()},{first}&fields=token");

        Assert.Equal(HttpStatusCode.OK, status);
        var items = body!["submissions"]!.AsArray();
        Assert.Equal(second, items[0]!["token"]!.GetValue<string>());
        Assert.Null(items[1]);
        Assert.Equal(first, items[2]!["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_list_without_authorization_token_configured_Then_403()
    {
        var (status, _) = await host.GetAsync("/submissions");

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Given_delete_switched_off_Then_403_without_authorization()
    {
        var token = await host.CreateAsync();

        var (status, _) = await host.SendAsync(HttpMethod.Delete, $"/submissions/{token}");

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }
}
