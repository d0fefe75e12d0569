using CodeRunner.Hosting;

namespace CodeRunner.Runner;

/// <summary>The runner role: gateway: API keys, rate limits, history; strict proxy to the lb.</summary>
public static class RunnerModule
{
    public static WebApplicationBuilder AddRunner(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.Runner))
        {
            return builder;
        }
        builder.ListenAs(Roles.Runner, "Runner:Urls");
        return builder;
    }

    public static WebApplication MapRunner(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.Runner))
        {
            return app;
        }
        var role = app.MapRole(Roles.Runner);
        role.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "runner" }));
        return app;
    }
}
