using CodeRunner.Runner.Forwarding;
using CodeRunner.Runner.History;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CodeRunner.Runner;

/// <summary>
/// The runner's readiness: its history store answers a lookup, and the judge tier (JUDGE0_URL,
/// the lb) answers GET /statuses with the runner's token, so a wrong token shows here too.
/// </summary>
internal sealed class RunnerReadiness(IHistoryStore history, JudgeTier judge) : IHealthCheck
{
    public const string Tag = "runner-ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        var problems = new List<string>();
        var data = new Dictionary<string, object>();
        try
        {
            await history.FindSessionAsync("readiness-probe", timeout.Token);
            data["history"] = "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            problems.Add("history store unreachable");
            data["history"] = e is OperationCanceledException ? "timed out" : e.GetType().Name;
        }
        try
        {
            var reply = await judge.GetAsync("/statuses", timeout.Token);
            data["judge_tier"] = reply.IsSuccess ? "ok" : $"answered {reply.Status}";
            if (!reply.IsSuccess)
            {
                problems.Add($"judge tier answered {reply.Status}");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            problems.Add("judge tier unreachable");
            data["judge_tier"] = e is OperationCanceledException ? "timed out" : "unreachable";
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy("history store and judge tier reachable", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
    }

    public static void Add(IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<RunnerReadiness>("runner", tags: [Tag]);

    public static void Map(IEndpointRouteBuilder runner) =>
        runner.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Tag),
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status == HealthStatus.Healthy ? "ready" : "unavailable",
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description, e.Value.Data }),
            }),
        });
}
