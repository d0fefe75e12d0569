using CodeRunner.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace CodeRunner.Lb;

/// <summary>The lb role: YARP across the judge-servers, with active and passive health checks.</summary>
public static class LbModule
{
    public static WebApplicationBuilder AddLb(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.Lb))
        {
            return builder;
        }
        builder.ListenAs(Roles.Lb, "Lb:Urls");
        var options = LbOptions.Load(builder.Configuration);
        var destinations = LbDestinations.Load(builder);
        builder.Services.AddSingleton(options);
        builder.Services.Configure<TransportFailureRateHealthPolicyOptions>(o =>
            o.DetectionWindowSize = TimeSpan.FromSeconds(options.PassiveWindowSeconds));
        builder.Services.AddReverseProxy()
            .LoadFromMemory([LbProxyConfig.Route()], [LbProxyConfig.Cluster(destinations, options)])
            .ConfigureHttpClient((_, handler) => handler.ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds));
        return builder;
    }

    public static WebApplication MapLb(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.Lb))
        {
            return app;
        }
        var options = app.Services.GetRequiredService<LbOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CodeRunner.Lb");
        var role = app.MapRole(Roles.Lb);
        role.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "lb" }));
        role.MapGet("/health/ready", LbReadiness.Check);
        // The catch-all answers only on the lb's listeners: in --role all the other roles keep their paths.
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use((context, next) => LbRetry.InvokeAsync(context, next, options.MaxAttempts, logger));
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        }).WithMetadata(new RoleEndpointMetadata(Roles.Lb));
        foreach (var cluster in app.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Clusters)
        {
            foreach (var (name, destination) in cluster.Destinations ?? new Dictionary<string, DestinationConfig>())
            {
                logger.LogInformation("lb forwards to {Name} at {Address}", name, destination.Address);
            }
        }
        return app;
    }
}
