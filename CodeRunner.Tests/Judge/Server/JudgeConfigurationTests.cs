using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeRunner.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>Behaviour that depends on configuration; each test starts its own server.</summary>
public sealed class JudgeConfigurationTests
{
    private static readonly (string, string?)[] Admin =
    [
        ("AUTHN_TOKEN", "alpha beta"), ("AUTHZ_TOKEN", "root"), ("ENABLE_SUBMISSION_DELETE", "true"),
    ];

    [Fact]
    public async Task Given_authentication_token_Then_401_without_it_and_200_with_any_listed_token_in_header_or_query()
    {
        await using var host = await JudgeServerHost.StartAsync(Admin);

        var (missing, _) = await host.SendAsync(HttpMethod.Get, "/statuses");
        var (wrong, _) = await host.SendAsync(HttpMethod.Get, "/statuses", null, ("X-Auth-Token", "gamma"));
        var (header, _) = await host.SendAsync(HttpMethod.Get, "/statuses", null, ("X-Auth-Token", "beta"));
        var (query, _) = await host.SendAsync(HttpMethod.Get, "/statuses?X-Auth-Token=alpha");
        var (health, _) = await host.SendAsync(HttpMethod.Get, "/health");
        var (authenticate, _) = await host.SendAsync(HttpMethod.Post, "/authenticate", null, ("X-Auth-Token", "alpha"));

        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal(HttpStatusCode.OK, header);
        Assert.Equal(HttpStatusCode.OK, query);
        Assert.Equal(HttpStatusCode.OK, health);
        Assert.Equal(HttpStatusCode.OK, authenticate);
    }

    [Fact]
    public async Task Given_authorization_token_Then_403_without_it_and_admin_endpoints_with_it()
    {
        await using var host = await JudgeServerHost.StartAsync(Admin);
        (string, string) user = ("X-Auth-Token", "alpha");

        var (forbidden, _) = await host.SendAsync(HttpMethod.Post, "/authorize", null, user);
        var (allowed, _) = await host.SendAsync(HttpMethod.Post, "/authorize", null, user, ("X-Auth-User", "root"));
        var (unauthenticated, _) = await host.SendAsync(HttpMethod.Post, "/authorize", null, ("X-Auth-User", "root"));

        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Equal(HttpStatusCode.OK, allowed);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated);
    }

    [Fact]
    public async Task Given_25_submissions_Then_pages_of_the_list_carry_will_paginate_meta()
    {
        await using var host = await JudgeServerHost.StartAsync(("AUTHZ_TOKEN", "root"));
        var tokens = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            tokens.Add(await host.CreateAsync());
        }

        var (status, first) = await host.SendAsync(HttpMethod.Get, "/submissions?fields=token", null, ("X-Auth-User", "root"));
        var (_, second) = await host.SendAsync(HttpMethod.Get, "/submissions?page=2&per_page=20", null, ("X-Auth-User", "root"));
        var (badStatus, bad) = await host.SendAsync(HttpMethod.Get, "/submissions?page=0", null, ("X-Auth-User", "root"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(20, first!["submissions"]!.AsArray().Count);
        Assert.Equal(tokens[^1], first["submissions"]![0]!["token"]!.GetValue<string>());
        Assert.Equal("""{"current_page":1,"next_page":2,"prev_page":null,"total_pages":2,"total_count":25}""", first["meta"]!.ToJsonString());
        Assert.Equal(5, second!["submissions"]!.AsArray().Count);
        Assert.Equal("""{"current_page":2,"next_page":null,"prev_page":1,"total_pages":2,"total_count":25}""", second["meta"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("invalid page: 0", bad!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_delete_allowed_Then_queued_submission_is_kept_and_finished_one_is_returned_in_base64_and_removed()
    {
        await using var host = await JudgeServerHost.StartAsync(("AUTHZ_TOKEN", "root"), ("ENABLE_SUBMISSION_DELETE", "true"));
        (string, string) admin = ("X-Auth-User", "root");
        var token = await host.CreateAsync();

        var (queuedStatus, queued) = await host.SendAsync(HttpMethod.Delete, $"/submissions/{token}", null, admin);
        await host.FinishNextAsync(stdout: "hi\n"u8.ToArray());
        var (deletedStatus, deleted) = await host.SendAsync(HttpMethod.Delete, $"/submissions/{token}", null, admin);
        var (goneStatus, _) = await host.GetAsync($"/submissions/{token}");

        Assert.Equal(HttpStatusCode.BadRequest, queuedStatus);
        Assert.Equal("submission cannot be deleted because its status is 1 (In Queue)", queued!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, deletedStatus);
        Assert.Equal("aGkK\n", deleted!["stdout"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
    }

    [Fact]
    public async Task Given_delete_switched_off_Then_authorized_delete_is_400()
    {
        await using var host = await JudgeServerHost.StartAsync(("AUTHZ_TOKEN", "root"));
        var token = await host.CreateAsync();

        var (status, body) = await host.SendAsync(HttpMethod.Delete, $"/submissions/{token}", null, ("X-Auth-User", "root"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("delete not allowed", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_queue_at_max_size_and_no_worker_Then_503_queue_is_full()
    {
        await using var host = await JudgeServerHost.StartAsync(("MAX_QUEUE_SIZE", "2"));
        await host.CreateAsync();
        await host.CreateAsync();

        var (status, body) = await host.PostAsync("/submissions", new { source_code = "x", language_id = 71 });
        var (batchStatus, _) = await host.PostAsync("/submissions/batch", new { submissions = new[] { new { source_code = "x", language_id = 71 } } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("queue is full", body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, batchStatus);
        Assert.Equal(2, await host.Queue.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Given_maintenance_mode_Then_creating_is_503_and_reading_still_works()
    {
        await using var host = await JudgeServerHost.StartAsync(("Judge:MaintenanceMode", "true"));

        var (status, body) = await host.PostAsync("/submissions", new { source_code = "x", language_id = 71 });
        var (readStatus, _) = await host.GetAsync("/languages");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Judge0 is currently in maintenance.", body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, readStatus);
    }

    [Fact]
    public async Task Given_wait_switched_off_Then_wait_true_is_400()
    {
        await using var host = await JudgeServerHost.StartAsync(("ENABLE_WAIT_RESULT", "false"));

        var (status, body) = await host.PostAsync("/submissions?wait=true", new { source_code = "x", language_id = 71 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("wait not allowed", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_network_allowed_by_configuration_Then_it_stays_refused()
    {
        await using var host = await JudgeServerHost.StartAsync(("ALLOW_ENABLE_NETWORK", "true"), ("ENABLE_NETWORK", "true"));

        var (status, body) = await host.PostAsync("/submissions", new { source_code = "x", language_id = 71, enable_network = true });
        var (_, config) = await host.GetAsync("/config_info");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("enabling network is not allowed", body!["enable_network"]![0]!.GetValue<string>());
        Assert.False(config!["allow_enable_network"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Given_cpu_limit_from_judge0_variable_Then_default_and_maximum_follow_it()
    {
        await using var host = await JudgeServerHost.StartAsync(("CPU_TIME_LIMIT", "2"), ("Judge:MaxCpuTimeLimit", "3"));

        var token = await host.CreateAsync();
        var (_, body) = await host.GetAsync($"/submissions/{token}?fields=cpu_time_limit");
        var (_, tooHigh) = await host.PostAsync("/submissions", new { source_code = "x", language_id = 71, cpu_time_limit = 4 });

        Assert.Equal("2.0", body!["cpu_time_limit"]!.GetValue<string>());
        Assert.Equal("must be less than or equal to 3.0", tooHigh!["cpu_time_limit"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_compile_option_languages_configured_Then_others_are_refused_with_the_list()
    {
        await using var host = await JudgeServerHost.StartAsync(("ALLOWED_LANGUAGES_FOR_COMPILER_OPTIONS", "C++ Rust"));

        var (_, body) = await host.PostAsync("/submissions", new { source_code = "x", language_id = 50, compiler_options = "-O2" });

        Assert.Equal("setting compiler options is only allowed for C++ and Rust", body!["compiler_options"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_workers_heartbeating_Then_workers_endpoint_counts_their_slots_and_the_queue()
    {
        await using var host = await JudgeServerHost.StartAsync();
        var registry = host.Services.GetRequiredService<IWorkerRegistry>();
        await registry.HeartbeatAsync(new WorkerState("w1", "h", 4, 1, false, 2, DateTimeOffset.UtcNow), CancellationToken.None);
        await host.CreateAsync();

        var (_, body) = await host.GetAsync("/workers");

        Assert.Equal("""[{"queue":"1.13.1","size":1,"available":4,"idle":3,"working":1,"paused":0,"failed":2}]""", body!.ToJsonString());
    }
}
