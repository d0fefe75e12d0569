using CodeRunner.Hosting;

namespace CodeRunner.Client;

/// <summary>The client role: web IDE; forwards /api/* to the runner.</summary>
public static class ClientModule
{
    public static WebApplicationBuilder AddClient(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.Client))
        {
            return builder;
        }
        builder.ListenAs(Roles.Client, "Client:Urls");
        return builder;
    }

    public static WebApplication MapClient(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.Client))
        {
            return app;
        }
        var role = app.MapRole(Roles.Client);
        role.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "client" }));
        return app;
    }
}
