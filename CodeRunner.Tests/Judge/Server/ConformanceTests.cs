using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>
/// Judge0 CE 1.13.1's wire format, endpoint by endpoint: the exact keys and their order, taken
/// from Judge0's own code at tag v1.13.1 (each list names the file it comes from).
/// </summary>
public sealed class ConformanceTests : IAsyncLifetime
{
    // judge0 v1.13.1 db/schema.rb (create_table "submissions", without id) and
    // app/serializers/submission_serializer.rb: attributes(Submission.column_names + ["status", "language"] - ["id"])
    internal static readonly string[] StarFields =
    [
        "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at",
        "finished_at", "time", "memory", "stderr", "token", "number_of_runs", "cpu_time_limit",
        "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit", "max_processes_and_or_threads",
        "enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
        "max_file_size", "compile_output", "exit_code", "exit_signal", "message", "wall_time",
        "compiler_options", "command_line_arguments", "redirect_stderr_to_stdout", "callback_url",
        "additional_files", "enable_network", "status", "language",
    ];

    // Columns judge0 added after v1.13.1 (master's db/schema.rb): never part of fields=*.
    private static readonly string[] LaterFields = ["started_at", "queued_at", "updated_at", "queue_host", "execution_host"];

    // judge0 v1.13.1 app/serializers/submission_serializer.rb: default_fields, rendered in column order
    private static readonly string[] DefaultFields = ["stdout", "time", "memory", "stderr", "token", "compile_output", "message", "status"];

    private static readonly (string, string) Admin = ("X-Auth-User", "root");

    private JudgeServerHost host = null!;

    public async Task InitializeAsync() =>
        host = await JudgeServerHost.StartAsync(("AUTHZ_TOKEN", "root"), ("ENABLE_SUBMISSION_DELETE", "true"));

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Given_fields_star_on_a_single_get_Then_exactly_the_35_attributes_of_1_13_1_in_order()
    {
        var token = await FinishedAsync();

        var (status, body) = await host.GetAsync($"/submissions/{token}?fields=*");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(StarFields, Keys(body));
    }

    [Fact]
    public async Task Given_fields_star_on_a_batch_get_Then_each_submission_has_exactly_the_35_attributes()
    {
        var first = await FinishedAsync();
        var second = await host.CreateAsync();

        var (_, body) = await host.GetAsync($"/submissions/batch?tokens={first},{second}&fields=*");

        // judge0 v1.13.1 app/controllers/submissions_controller.rb#batch_show: { submissions: [...] }
        Assert.Equal(["submissions"], Keys(body));
        Assert.All(body!["submissions"]!.AsArray(), item => Assert.Equal(StarFields, Keys(item)));
    }

    [Fact]
    public async Task Given_fields_star_on_the_list_Then_each_submission_has_the_35_attributes_and_meta_is_will_paginates()
    {
        await FinishedAsync();
        await host.CreateAsync();

        var (_, body) = await host.SendAsync(HttpMethod.Get, "/submissions?fields=*", null, Admin);

        // judge0 v1.13.1 app/controllers/submissions_controller.rb#index and application_controller.rb#pagination_dict
        Assert.Equal(["submissions", "meta"], Keys(body));
        Assert.Equal(["current_page", "next_page", "prev_page", "total_pages", "total_count"], Keys(body!["meta"]));
        Assert.Equal(2, body["submissions"]!.AsArray().Count);
        Assert.All(body["submissions"]!.AsArray(), item => Assert.Equal(StarFields, Keys(item)));
    }

    [Fact]
    public async Task Given_fields_star_with_wait_true_Then_the_created_submission_has_exactly_the_35_attributes()
    {
        var waiting = host.PostAsync("/submissions?wait=true&fields=*", new { source_code = "print(1)", language_id = 71 });
        await host.FinishNextAsync(stdout: "1\n"u8.ToArray());

        var (status, body) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(StarFields, Keys(body));
    }

    [Fact]
    public async Task Given_fields_star_on_delete_Then_the_deleted_submission_has_exactly_the_35_attributes_in_base64()
    {
        var token = await FinishedAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Delete, $"/submissions/{token}?fields=*", null, Admin);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(StarFields, Keys(body));
        // judge0 v1.13.1 submissions_controller.rb#destroy renders with base64_encoded: true
        Assert.Equal("cHJpbnQoMSk=\n", body!["source_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_later_fields_asked_for_by_name_Then_they_are_shown_in_column_order_after_the_1_13_1_columns()
    {
        var token = await FinishedAsync();

        var (_, named) = await host.GetAsync($"/submissions/{token}?fields=started_at,token");
        var (_, starAndOne) = await host.GetAsync($"/submissions/{token}?fields=*,execution_host");
        var (_, allLater) = await host.GetAsync($"/submissions/{token}?fields={string.Join(",", LaterFields.Reverse())}");

        Assert.Equal(["token", "started_at"], Keys(named));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", named!["started_at"]!.GetValue<string>());
        Assert.Equal([.. StarFields[..^2], "execution_host", "status", "language"], Keys(starAndOne));
        Assert.Equal(LaterFields, Keys(allLater));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    public async Task Given_no_fields_or_an_empty_list_Then_the_default_fields_in_column_order(string fields)
    {
        var token = await FinishedAsync();

        var (_, body) = await host.GetAsync($"/submissions/{token}?fields={fields}");

        Assert.Equal(DefaultFields, Keys(body));
    }

    // judge0 v1.13.1 app/services/fields/submission.rb: fields.to_s.split(",") keeps inner empty
    // names and spaces (both invalid), drops trailing empty ones; submissions_controller.rb
    // #check_requested_fields: "invalid fields: [#{invalid_fields.join(", ")}]"
    [Theory]
    [InlineData("token,foo,,bar", "invalid fields: [foo, , bar]")]
    [InlineData(",token", "invalid fields: []")]
    [InlineData("token, time", "invalid fields: [ time]")]
    [InlineData("*,nope", "invalid fields: [nope]")]
    public async Task Given_fields_ruby_split_finds_invalid_Then_400_naming_them_as_judge0_does(string fields, string error)
    {
        var token = await host.CreateAsync();

        var (status, body) = await host.GetAsync($"/submissions/{token}?fields={Uri.EscapeDataString(fields)}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(new JsonObject { ["error"] = error }.ToJsonString(), body!.ToJsonString());
    }

    [Fact]
    public async Task Given_a_trailing_comma_in_fields_Then_it_is_dropped_like_ruby_split()
    {
        var token = await host.CreateAsync();

        var (status, body) = await host.GetAsync($"/submissions/{token}?fields=status,token,,");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["token", "status"], Keys(body));
    }

    [Fact]
    public async Task Given_a_create_without_wait_Then_only_the_token()
    {
        var (status, body) = await host.PostAsync("/submissions?fields=*", new { source_code = "print(1)", language_id = 71 });

        // judge0 v1.13.1 submissions_controller.rb#create: render json: submission, fields: [:token]
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["token"], Keys(body));
    }

    [Fact]
    public async Task Given_a_batch_create_Then_an_array_of_token_objects_and_error_objects()
    {
        var (status, body) = await host.PostAsync("/submissions/batch", new
        {
            submissions = new object[] { new { source_code = "print(1)", language_id = 71 }, new { source_code = "x" } },
        });

        // judge0 v1.13.1 submissions_controller.rb#batch_create: { token: } or submission.errors per item
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["token"], Keys(body![0]));
        Assert.Equal(["language_id"], Keys(body[1]));
    }

    [Fact]
    public async Task Given_batch_tokens_with_spaces_or_an_empty_one_Then_those_are_unknown_like_judge0s_split()
    {
        var token = await host.CreateAsync();

        var (_, body) = await host.GetAsync($"/submissions/batch?tokens={Uri.EscapeDataString($"{token},, {token},{token},")}&fields=token");

        // (headers[:tokens] || params[:tokens]).to_s.strip.split(","): [token, "", " token", token]
        var items = body!["submissions"]!.AsArray();
        Assert.Equal(4, items.Count);
        Assert.Equal([token, null, null, token], items.Select(i => i?["token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Given_no_submissions_Then_the_list_meta_says_one_page_as_will_paginate_does()
    {
        var (status, body) = await host.SendAsync(HttpMethod.Get, "/submissions", null, Admin);

        // will_paginate 3.2.1 collection.rb: total_pages = total_entries.zero? ? 1 : ...
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"submissions":[],"meta":{"current_page":1,"next_page":null,"prev_page":null,"total_pages":1,"total_count":0}}""", body!.ToJsonString());
    }

    [Fact]
    public async Task Given_pages_Then_meta_counts_like_will_paginate()
    {
        for (var i = 0; i < 3; i++)
        {
            await host.CreateAsync();
        }

        var (_, body) = await host.SendAsync(HttpMethod.Get, "/submissions?page=2&per_page=2&fields=token", null, Admin);

        Assert.Single(body!["submissions"]!.AsArray());
        Assert.Equal("""{"current_page":2,"next_page":null,"prev_page":1,"total_pages":2,"total_count":3}""", body["meta"]!.ToJsonString());
    }

    // judge0 v1.13.1 submissions_controller.rb#index: page = params[:page].try(:to_i) || 1;
    // "invalid page: #{page}" when page <= 0, "invalid per_page: #{per_page}" when negative
    [Theory]
    [InlineData("page=0", "invalid page: 0")]
    [InlineData("page=abc", "invalid page: 0")]
    [InlineData("page=-3x", "invalid page: -3")]
    [InlineData("per_page=-1", "invalid per_page: -1")]
    public async Task Given_a_bad_page_or_per_page_Then_400_with_judge0s_message(string query, string error)
    {
        var (status, body) = await host.SendAsync(HttpMethod.Get, $"/submissions?{query}", null, Admin);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(new JsonObject { ["error"] = error }.ToJsonString(), body!.ToJsonString());
    }

    [Theory]
    [InlineData("/submissions/00000000-0000-0000-0000-000000000000")]
    [InlineData("/languages/12345")]
    [InlineData("/languages/abc")]
    public async Task Given_a_record_that_does_not_exist_Then_404_with_rails_not_found_body(string path)
    {
        var (status, body) = await host.GetAsync(path);

        // Rails 5.2 ActionDispatch::PublicExceptions for ActiveRecord::RecordNotFound (find_by!, find)
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""{"status":404,"error":"Not Found"}""", body!.ToJsonString());
    }

    [Fact]
    public async Task Given_languages_Then_id_and_name_ordered_by_name()
    {
        await PublishAwkAsync();

        var (_, body) = await host.GetAsync("/languages");

        // judge0 v1.13.1 app/controllers/languages_controller.rb#index: fields: [:id, :name];
        // app/models/language.rb default_scope: where(is_archived: false).order(name: :asc)
        Assert.All(body!.AsArray(), l => Assert.Equal(["id", "name"], Keys(l)));
        Assert.Equal(["Awk (GAWK 5.2.1)", "C (GCC 12.2.0)", "Python (3.11.2)"], body.AsArray().Select(l => l!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Given_languages_all_Then_id_name_and_is_archived_ordered_by_name()
    {
        await PublishAwkAsync();

        var (_, body) = await host.GetAsync("/languages/all");

        // judge0 v1.13.1 languages_controller.rb#all: unscoped.order(name: :asc), fields: [:id, :name, :is_archived]
        Assert.All(body!.AsArray(), l => Assert.Equal(["id", "name", "is_archived"], Keys(l)));
        Assert.Equal(["Awk (GAWK 5.2.1)", "C (GCC 12.2.0)", "Python (3.11.2)"], body.AsArray().Select(l => l!["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("71")]
    [InlineData("71abc")]
    public async Task Given_one_language_Then_every_language_serializer_attribute(string id)
    {
        var (status, body) = await host.GetAsync($"/languages/{id}");

        // judge0 v1.13.1 app/serializers/language_serializer.rb; find casts the id with to_i
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["id", "name", "is_archived", "source_file", "compile_cmd", "run_cmd"], Keys(body));
        Assert.Equal(71, body!["id"]!.GetValue<int>());
        Assert.Null(body["compile_cmd"]);
    }

    [Fact]
    public async Task Given_statuses_Then_the_14_of_1_13_1_as_id_and_description()
    {
        var (_, body) = await host.GetAsync("/statuses");

        // judge0 v1.13.1 app/enumerations/status.rb and app/serializers/status_serializer.rb
        string[] names =
        [
            "In Queue", "Processing", "Accepted", "Wrong Answer", "Time Limit Exceeded", "Compilation Error",
            "Runtime Error (SIGSEGV)", "Runtime Error (SIGXFSZ)", "Runtime Error (SIGFPE)", "Runtime Error (SIGABRT)",
            "Runtime Error (NZEC)", "Runtime Error (Other)", "Internal Error", "Exec Format Error",
        ];
        var expected = new JsonArray(names.Select((n, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["description"] = n }).ToArray());
        Assert.Equal(expected.ToJsonString(), body!.ToJsonString());
    }

    [Fact]
    public async Task Given_about_Then_version_homepage_source_code_maintainer()
    {
        var (_, body) = await host.GetAsync("/about");

        // judge0 v1.13.1 app/controllers/info_controller.rb#about
        Assert.Equal(["version", "homepage", "source_code", "maintainer"], Keys(body));
    }

    [Fact]
    public async Task Given_config_info_Then_the_39_keys_in_config_rbs_order()
    {
        var (_, body) = await host.GetAsync("/config_info");

        // judge0 v1.13.1 app/helpers/config.rb#config_info
        string[] keys =
        [
            "maintenance_mode", "enable_wait_result", "enable_compiler_options", "allowed_languages_for_compile_options",
            "enable_command_line_arguments", "enable_submission_delete", "enable_callbacks", "callbacks_max_tries",
            "callbacks_timeout", "enable_additional_files", "max_queue_size", "cpu_time_limit", "max_cpu_time_limit",
            "cpu_extra_time", "max_cpu_extra_time", "wall_time_limit", "max_wall_time_limit", "memory_limit",
            "max_memory_limit", "stack_limit", "max_stack_limit", "max_processes_and_or_threads",
            "max_max_processes_and_or_threads", "enable_per_process_and_thread_time_limit",
            "allow_enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
            "allow_enable_per_process_and_thread_memory_limit", "max_file_size", "max_max_file_size", "number_of_runs",
            "max_number_of_runs", "redirect_stderr_to_stdout", "max_extract_size", "enable_batched_submissions",
            "max_submission_batch_size", "submission_cache_duration", "use_docs_as_homepage", "allow_enable_network",
            "enable_network",
        ];
        Assert.Equal(39, keys.Length);
        Assert.Equal(keys, Keys(body));
        // Ruby Floats (to_f) are JSON numbers with a fraction, Integers (to_i) without
        Assert.Equal("5.0", body!["callbacks_timeout"]!.ToJsonString());
        Assert.Equal("20.0", body["max_wall_time_limit"]!.ToJsonString());
        Assert.Equal("1.0", body["submission_cache_duration"]!.ToJsonString());
        Assert.Equal("3", body["callbacks_max_tries"]!.ToJsonString());
    }

    [Fact]
    public async Task Given_workers_Then_one_entry_per_queue_with_resques_counts()
    {
        var (_, body) = await host.GetAsync("/workers");

        // judge0 v1.13.1 app/controllers/health_controller.rb#workers
        Assert.All(body!.AsArray(), q => Assert.Equal(["queue", "size", "available", "idle", "working", "paused", "failed"], Keys(q)));
        Assert.Equal("1.13.1", body[0]!["queue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_system_info_Then_lscpu_keys_then_free_totals_and_nothing_else()
    {
        var (_, body) = await host.GetAsync("/system_info");

        // judge0 v1.13.1 app/helpers/system_info.rb: lscpu's "Key: value" lines, then Mem and Swap from free -h
        Assert.Equal(["Architecture", "CPU(s)", "Vendor ID", "Model name", "Mem", "Swap"], Keys(body));
        Assert.Matches(@"^(\d+B|\d+(\.\d)?[KMGTPE]i)$", body!["Mem"]!.GetValue<string>());
        Assert.Matches(@"^(\d+B|\d+(\.\d)?[KMGTPE]i)$", body["Swap"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_statistics_Then_judge0s_keys_at_every_level()
    {
        await host.CreateAsync();

        var (_, body) = await host.GetAsync("/statistics?invalidate_cache=true");

        // judge0 v1.13.1 app/controllers/info_controller.rb#statistics
        Assert.Equal(["created_at", "cached_until", "submissions", "languages", "statuses", "database"], Keys(body));
        Assert.Equal(["total", "today", "last_30_days"], Keys(body!["submissions"]));
        Assert.Equal(["language", "count"], Keys(body["languages"]![0]));
        Assert.Equal(["id", "name"], Keys(body["languages"]![0]!["language"]));
        Assert.Equal(["status", "count"], Keys(body["statuses"]![0]));
        Assert.Equal(["id", "name"], Keys(body["statuses"]![0]!["status"]));
        Assert.Equal(["size_pretty", "size_in_bytes"], Keys(body["database"]));
    }

    [Theory]
    [InlineData("POST", "/authenticate", HttpStatusCode.OK)]
    [InlineData("POST", "/authorize", HttpStatusCode.Forbidden)]
    [InlineData("GET", "/submissions", HttpStatusCode.Forbidden)]
    [InlineData("GET", "/", HttpStatusCode.OK)]
    public async Task Given_sessions_and_refusals_Then_heads_without_a_body(string method, string path, HttpStatusCode expected)
    {
        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        // judge0 v1.13.1 sessions_controller.rb and home_controller.rb: head :ok / head :forbidden
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_a_query_value_and_a_body_value_Then_the_query_wins_like_rails_params()
    {
        var token = await host.CreateAsync();
        var (_, created) = await host.PostAsync("/submissions?cpu_time_limit=2", new { source_code = "print(1)", language_id = 71, cpu_time_limit = 3 });

        var (_, body) = await host.GetAsync($"/submissions/{created!["token"]!.GetValue<string>()}?fields=token&fields=cpu_time_limit");
        var (_, twice) = await host.GetAsync($"/submissions/{token}?base64_encoded=true&base64_encoded=false&fields=source_code");

        // Rails 5.2: params = request_parameters.merge(query_parameters); a repeated query key keeps its last value
        Assert.Equal("""{"cpu_time_limit":"2.0"}""", body!.ToJsonString());
        Assert.Equal("print(1)", twice!["source_code"]!.GetValue<string>());
    }

    /// <summary>A language whose id sorts last and whose name sorts first.</summary>
    private Task PublishAwkAsync() =>
        host.Services.GetRequiredService<ILanguageStore>().PublishAsync(
            [JudgeServerHost.Python, JudgeServerHost.C, new(90, "Awk (GAWK 5.2.1)", false, "script.awk", null, "/usr/bin/gawk -f script.awk")],
            CancellationToken.None);

    private async Task<string> FinishedAsync()
    {
        var token = await host.CreateAsync();
        await host.FinishNextAsync(stdout: "1\n"u8.ToArray());
        return token;
    }

    private static string[] Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key).ToArray();
}
