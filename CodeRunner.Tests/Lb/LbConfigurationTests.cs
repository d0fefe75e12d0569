using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Model;

namespace CodeRunner.Tests.Lb;

/// <summary>Where the lb's judge-servers come from, and which paths it answers on which listener.</summary>
public sealed class LbConfigurationTests
{
    [Fact]
    public async Task Given_JUDGE_SERVERS_that_is_not_a_url_Then_the_lb_process_refuses_to_start_naming_the_variable()
    {
        var dir = TestDirectory.Create("coderunner-lb-config-");
        await using var lb = CodeRunnerProcess.Start("lb", dir, new Dictionary<string, string>
        {
            ["JUDGE_SERVERS"] = "judge1:2358",
            ["Lb__Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
        });

        var exited = await lb.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, lb.Output);
        Assert.NotEqual(0, lb.ExitCode);
        Assert.Contains("JUDGE_SERVERS: 'judge1:2358' is not a judge-server URL", lb.Output);
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("ftp://judge:2358")]
    [InlineData("http://judge:2358/?x=1")]
    [InlineData("not a url")]
    public void Given_a_malformed_judge_server_url_Then_building_the_lb_fails_naming_JUDGE_SERVERS(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Program.Build(new RunOptions(Roles.Lb, new Dictionary<string, string?>
        {
            ["JUDGE_SERVERS"] = $"http://ok:2358,{url}",
            ["Lb:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
        })));

        Assert.StartsWith("JUDGE_SERVERS:", error.Message);
    }

    [Fact]
    public void Given_credentials_in_a_judge_server_url_Then_the_error_does_not_repeat_them()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Program.Build(new RunOptions(Roles.Lb, new Dictionary<string, string?>
        {
            ["JUDGE_SERVERS"] = "http://admin:hunter2@judge:2358",
            ["Lb:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
        })));

        Assert.Contains("JUDGE_SERVERS", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Given_an_lb_alone_without_judge_servers_Then_building_it_fails_naming_JUDGE_SERVERS()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Program.Build(new RunOptions(Roles.Lb, new Dictionary<string, string?>
        {
            ["Lb:Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
        })));

        Assert.Contains("JUDGE_SERVERS=http://", error.Message);
    }

    [Fact]
    public async Task Given_lb_destinations_in_configuration_Then_the_lb_forwards_to_them()
    {
        await using var judge = await RunningApp.StartAsync(Roles.JudgeServer);
        await using var lb = await RunningApp.StartAsync(Roles.Lb, ("Lb:Destinations:primary", judge.JudgeUrl.ToString()));
        using var client = new HttpClient { BaseAddress = lb.LbUrl };

        await Health.WaitAsync(lb.LbUrl, "/health/ready", TimeSpan.FromSeconds(30));
        var ready = JsonNode.Parse(await client.GetStringAsync("/health/ready"))!;
        var statuses = await client.GetAsync("/statuses");

        Assert.Equal("primary", ready["destinations"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, statuses.StatusCode);
        Assert.Contains("Accepted", await statuses.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_the_lb_and_judge_server_in_one_process_Then_the_lb_forwards_to_it_and_swallows_no_other_listener_path()
    {
        await using var app = await RunningApp.StartAsync(Roles.Lb | Roles.JudgeServer | Roles.Runner);
        using var lb = new HttpClient { BaseAddress = app.LbUrl };
        using var runner = new HttpClient { BaseAddress = app.RunnerUrl };

        await Health.WaitAsync(app.LbUrl, "/health/ready", TimeSpan.FromSeconds(30));
        var ready = JsonNode.Parse(await lb.GetStringAsync("/health/ready"))!;
        var lbHealth = JsonNode.Parse(await lb.GetStringAsync("/health"))!;
        var judgeHealth = JsonNode.Parse(await app.Judge.GetStringAsync("/health"))!;
        var proxied = await lb.GetAsync("/statuses");
        var onRunner = await runner.GetAsync("/statuses");
        var proxyEndpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<RouteModel>() is not null).ToList();

        Assert.Equal(app.JudgeUrl.ToString(), ready["destinations"]![0]!["address"]!.GetValue<string>());
        Assert.Equal("lb", lbHealth["role"]!.GetValue<string>());
        Assert.Equal("judge-server", judgeHealth["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Contains("Accepted", await proxied.Content.ReadAsStringAsync());
        // Had the catch-all answered on the runner's listener, this would be the judge-server's list.
        Assert.NotEqual(HttpStatusCode.OK, onRunner.StatusCode);
        Assert.DoesNotContain("Accepted", await onRunner.Content.ReadAsStringAsync());
        Assert.NotEmpty(proxyEndpoints);
        Assert.All(proxyEndpoints, e => Assert.Equal(Roles.Lb, e.Metadata.GetMetadata<RoleEndpointMetadata>()?.Role));
    }
}
