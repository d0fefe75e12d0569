using System.Net;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Runner;

/// <summary>
/// Every role in one process, as `--role all` runs: runner → lb → judge-server → judge-worker, with
/// the judge tier's token on (the runner sends the co-located judge-server's AUTHN_TOKEN).
/// </summary>
public sealed class FullChainTests
{
    [Fact]
    public async Task Given_role_all_with_a_judge_token_Then_hello_world_runs_through_runner_and_lb_while_admin_paths_stay_hidden()
    {
        // The lb's health probe gets more slack than its 1 s default: on a loaded 2-core test machine
        // a judge-server busy compiling can miss two probes, and this test is about the runner.
        await using var stack = await RunnerStack.StartAsync(Roles.All, ("AUTHN_TOKEN", "inner-secret"), ("AUTHZ_TOKEN", "admin-secret"),
            ("Lb:HealthTimeoutSeconds", "10"), ("Lb:HealthThreshold", "5"));
        await Health.WaitAsync(stack.App.LbUrl, "/health/ready", TimeSpan.FromSeconds(30));
        using var http = await stack.NewSessionAsync();
        using var admin = stack.Anonymous();
        admin.DefaultRequestHeaders.Add("X-Auth-Token", "inner-secret");
        admin.DefaultRequestHeaders.Add("X-Auth-User", "admin-secret");

        var created = await http.PostAsync("/submissions?wait=true", RunnerStack.Submission(RunnerStack.Hello));
        var body = await RunnerStack.BodyAsync(created);
        var polled = await RunnerStack.PollAsync(http, await RunnerStack.SubmitAsync(http, RunnerStack.Hello));
        var workers = await admin.GetAsync("/workers");
        var list = await admin.GetAsync("/submissions");
        var lbWithoutToken = await new HttpClient { BaseAddress = stack.App.LbUrl }.GetAsync("/languages");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("hello, world\n", body["stdout"]!.GetValue<string>());
        Assert.Equal("hello, world\n", polled["stdout"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, workers.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        // The token is really required behind the runner: the runner is what adds it.
        Assert.Equal(HttpStatusCode.Unauthorized, lbWithoutToken.StatusCode);
    }
}
