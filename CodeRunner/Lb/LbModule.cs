using CodeRunner.Hosting;

namespace CodeRunner.Lb;

/// <summary>The lb role: load balancer (YARP) across judge servers.</summary>
public static class LbModule
{
    public static WebApplicationBuilder AddLb(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.Lb))
        {
            return builder;
        }
        builder.ListenAs(Roles.Lb, "Lb:Urls");
        return builder;
    }

    public static WebApplication MapLb(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.Lb))
        {
            return app;
        }
        var role = app.MapRole(Roles.Lb);
        role.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "lb" }));
        return app;
    }
}
