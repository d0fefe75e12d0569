using System.Diagnostics.Metrics;
using CodeRunner.Hosting.Ops;
using CodeRunner.Sandbox;
using CodeRunner.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CodeRunner.Judge.Worker;

/// <summary>Readiness of a worker's sandbox: ready while at least one slot can run programs; the others are named.</summary>
internal sealed class SandboxReadiness(ISandbox sandbox) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var problems = sandbox.SlotProblems;
        var down = problems.Count(p => p is not null);
        var data = new Dictionary<string, object> { ["slots"] = problems.Count, ["slots_out_of_service"] = down };
        for (var i = 0; i < problems.Count; i++)
        {
            if (problems[i] is { } problem)
            {
                data[$"slot{i}"] = problem;
            }
        }
        return Task.FromResult(down < problems.Count
            ? HealthCheckResult.Healthy($"{problems.Count - down} of {problems.Count} sandbox slots can run programs", data)
            : HealthCheckResult.Unhealthy("no sandbox slot can run programs", data: data));
    }
}

/// <summary>
/// The sandbox slots gauge, by state: in_service or out_of_service (see <see cref="SandboxReadiness"/>),
/// labelled with the sandbox's cgroup name: gauges of the same name from several hosts in one
/// process (tests, --role all beside another worker) would otherwise overwrite each other.
/// </summary>
internal sealed class SandboxSlotsGauge : IHostedService
{
    public SandboxSlotsGauge(ISandbox sandbox, IOptions<SandboxOptions> options, IMeterFactory meters)
    {
        var name = new KeyValuePair<string, object?>("sandbox", options.Value.CgroupName);
        // The factory owns the meter and disposes it with the container.
        meters.Create(OpsMetrics.MeterName).CreateObservableGauge("coderunner.sandbox.slots", () =>
        {
            var down = sandbox.SlotProblems.Count(p => p is not null);
            return new[]
            {
                new Measurement<int>(sandbox.Slots - down, new KeyValuePair<string, object?>("state", "in_service"), name),
                new Measurement<int>(down, new KeyValuePair<string, object?>("state", "out_of_service"), name),
            };
        }, "{slot}", "Sandbox slots of this worker that can run programs, and those out of service");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class SandboxReadinessExtensions
{
    /// <summary>/health/ready fails when no slot can run; /metrics shows how many can.</summary>
    public static IServiceCollection AddSandboxReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SandboxReadiness>("sandbox", tags: [StorageHealthCheck.ReadyTag]);
        services.AddHostedService<SandboxSlotsGauge>();
        return services;
    }
}
