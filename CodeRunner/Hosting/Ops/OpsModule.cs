namespace CodeRunner.Hosting.Ops;

/// <summary>
/// The operations surface every role shares: source allow lists and the lb's tier token,
/// /metrics (Prometheus), OpenAPI at /api/openapi.json with docs at /api/docs, and OTLP traces.
/// Each role's listeners serve these for the whole process (in --role all, the same metrics),
/// except that the client, the one public role, serves /metrics only to the sources in
/// <see cref="ClientMetricsKey"/> (none by default).
/// </summary>
public static class OpsModule
{
    public const string MetricsPath = "/metrics";

    /// <summary>Addresses or CIDRs that may read the client's /metrics; unset, the client serves none.</summary>
    public const string ClientMetricsKey = "Client:MetricsFrom";

    /// <summary>
    /// Whether a path (relative to what a proxy strips) is on the operations surface: /metrics,
    /// /health*, /api/docs, /api/openapi.json. A public proxy must not pass these to a private tier.
    /// Compared as routing would match them: by segment, ignoring case and empty segments.
    /// </summary>
    public static bool IsOperationsPath(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        bool Is(int i, string name) => segments.Length > i && segments[i].Equals(name, StringComparison.OrdinalIgnoreCase);
        return Is(0, MetricsPath.TrimStart('/')) || Is(0, "health") || (Is(0, "api") && (Is(1, "docs") || Is(1, "openapi.json")));
    }

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
        var clientScrapers = SourceAllowList.LoadKey(app.Configuration, ClientMetricsKey);
        foreach (var (role, name, _) in RoleSections.On(app.Services.GetRequiredService<RunOptions>().Roles))
        {
            var endpoints = app.MapRole(role);
            endpoints.MapApiDocs(name);
            var isPublic = role == Roles.Client;
            if (isPublic && clientScrapers.IsOpen)
            {
                continue;
            }
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: scrape =>
            {
                if (isPublic)
                {
                    scrape.Use((context, next) =>
                    {
                        if (clientScrapers.Admits(context.Connection.RemoteIpAddress))
                        {
                            return next(context);
                        }
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                    });
                }
                if (queueDepth is not null)
                {
                    scrape.Use(async (context, next) =>
                    {
                        await queueDepth.RefreshAsync(context.RequestAborted);
                        await next(context);
                    });
                }
            }, optionsName: null);
        }
        return app;
    }
}
