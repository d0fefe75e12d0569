using System.Net;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Ops;

/// <summary>Per-role source allow lists: 127.0.0.1 and 127.0.0.2 are two different sources on loopback.</summary>
public sealed class AllowListTests
{
    [Fact]
    public async Task Given_a_role_allows_one_address_Then_another_source_gets_403_even_for_health_and_the_listed_one_gets_through()
    {
        await using var app = await RunningApp.StartAsync(Roles.JudgeServer, ("Judge:AllowFrom", "127.0.0.1"));
        using var listed = OpsHttp.From("127.0.0.1", app.JudgeUrl);
        using var other = OpsHttp.From("127.0.0.2", app.JudgeUrl);

        var listedHealth = await listed.GetAsync("/health");
        var listedApi = await listed.GetAsync("/statuses");
        var otherHealth = await other.GetAsync("/health");
        var otherApi = await other.GetAsync("/statuses");

        Assert.Equal(HttpStatusCode.OK, listedHealth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listedApi.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherHealth.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherApi.StatusCode);
        Assert.Contains("source address not allowed", await otherApi.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_allow_lists_per_role_in_one_process_Then_each_listener_applies_its_own()
    {
        await using var app = await RunningApp.StartAsync(Roles.Runner | Roles.JudgeServer,
            ("Runner:AllowFrom", "127.0.0.2/32"), ("ALLOW_FROM", "127.0.0.0/8"));
        using var runnerFromOne = OpsHttp.From("127.0.0.1", app.RunnerUrl);
        using var runnerFromTwo = OpsHttp.From("127.0.0.2", app.RunnerUrl);
        using var judgeFromOne = OpsHttp.From("127.0.0.1", app.JudgeUrl);

        var refused = await runnerFromOne.GetAsync("/health");
        var admitted = await runnerFromTwo.GetAsync("/health");
        var judge = await judgeFromOne.GetAsync("/health");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, judge.StatusCode);
    }

    [Fact]
    public async Task Given_Client_MetricsFrom_Then_the_client_serves_metrics_to_those_sources_only()
    {
        await using var app = await RunningApp.StartAsync(Roles.Client, ("RUNNER_API_URL", "http://127.0.0.1:9"), ("Client:MetricsFrom", "127.0.0.2"));
        using var scraper = OpsHttp.From("127.0.0.2", app.ClientUrl);
        using var other = OpsHttp.From("127.0.0.1", app.ClientUrl);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/")).StatusCode);

        var scraped = await scraper.GetAsync("/metrics");
        var refused = await other.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await scraped.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("http_server_request_duration_seconds", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_an_allow_list_entry_that_is_not_an_address_Then_start_fails_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RunningApp.StartAsync(Roles.JudgeServer, ("Judge:AllowFrom", "10.0.0.0/8, not-an-ip")));

        Assert.Contains("Judge:AllowFrom", error.Message);
        Assert.Contains("not-an-ip", error.Message);
    }
}
