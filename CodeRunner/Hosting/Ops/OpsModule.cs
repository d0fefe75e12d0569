namespace CodeRunner.Hosting.Ops;

/// <summary>
/// The operations surface every role shares: source allow lists and the lb's tier token,
/// /metrics (Prometheus), OpenAPI at /api/openapi.json with docs at /api/docs, and OTLP traces.
/// Each role's listeners serve these for the whole process (in --role all, the same metrics).
/// </summary>
public static class OpsModule
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddOps(this WebApplicationBuilder builder)
    {
        var roles = builder.Roles();
        builder.Services.AddSingleton(AccessGate.Load(builder.Configuration, roles));
        builder.AddTelemetry(roles);
        builder.Services.AddApiDocs(roles);
        if (roles.HasFlag(Roles.JudgeServer))
        {
            builder.Services.AddSingleton<QueueDepth>();
        }
        return builder;
    }

    /// <summary>Call first after Build: the gate must run before any role's own middleware.</summary>
    public static WebApplication UseOps(this WebApplication app)
    {
        var gate = app.Services.GetRequiredService<AccessGate>();
        if (!gate.IsOff)
        {
            app.Use(gate.InvokeAsync);
        }
        var queueDepth = app.Services.GetService<QueueDepth>();
        foreach (var (role, name, _) in RoleSections.On(app.Services.GetRequiredService<RunOptions>().Roles))
        {
            var endpoints = app.MapRole(role);
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: scrape =>
            {
                if (queueDepth is not null)
                {
                    scrape.Use(async (context, next) =>
                    {
                        await queueDepth.RefreshAsync(context.RequestAborted);
                        await next(context);
                    });
                }
            }, optionsName: null);
            endpoints.MapApiDocs(name);
        }
        return app;
    }
}
