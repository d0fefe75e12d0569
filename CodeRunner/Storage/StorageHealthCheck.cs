using CodeRunner.Storage.Sql;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CodeRunner.Storage;

/// <summary>Readiness: the database answers a query and the queue answers a count.</summary>
internal sealed class StorageHealthCheck(SqlDatabase database, IJobQueue queue) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var problems = new List<string>();
        var data = new Dictionary<string, object>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await using var connection = await database.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);
            data["database"] = "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            problems.Add("database unreachable");
            data["database"] = Describe(e);
        }
        try
        {
            data["queue_size"] = await queue.CountAsync(timeout.Token);
            data["queue"] = "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            problems.Add("queue unreachable");
            data["queue"] = Describe(e);
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy("database and queue reachable", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
    }

    // The exception type says what failed; its message can name hosts and users, so it stays out.
    private static string Describe(Exception e) => e is OperationCanceledException ? "timed out" : e.GetType().Name;
}

public static class StorageReadiness
{
    /// <summary>Adds the readiness check once, however many roles ask for it.</summary>
    public static IServiceCollection AddStorageReadiness(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(StorageHealthCheck)))
        {
            return services;
        }
        services.AddSingleton<StorageHealthCheck>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [StorageHealthCheck.ReadyTag]);
        return services;
    }

    /// <summary>GET /health/ready: 200 when every dependency answers, 503 naming what does not.</summary>
    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/health/ready", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(StorageHealthCheck.ReadyTag),
            ResponseWriter = async (context, report) =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsJsonAsync(new
                {
                    status = report.Status == HealthStatus.Healthy ? "ready" : "unavailable",
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description, e.Value.Data }),
                });
            },
        });
}
