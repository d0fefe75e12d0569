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
    public async Task Given_an_allow_list_entry_that_is_not_an_address_Then_start_fails_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            RunningApp.StartAsync(Roles.JudgeServer, ("Judge:AllowFrom", "10.0.0.0/8, not-an-ip")));

        Assert.Contains("Judge:AllowFrom", error.Message);
        Assert.Contains("not-an-ip", error.Message);
    }
}
