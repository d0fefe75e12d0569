using CodeRunner.Hosting;

namespace CodeRunner.Judge.Server;

/// <summary>The judge-server role: the Judge0 CE 1.13.1 REST API. Never runs user code.</summary>
public static class JudgeServerModule
{
    public static WebApplicationBuilder AddJudgeServer(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.JudgeServer))
        {
            return builder;
        }
        builder.ListenAs(Roles.JudgeServer, "Judge:Urls");
        return builder;
    }

    public static WebApplication MapJudgeServer(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.JudgeServer))
        {
            return app;
        }
        app.MapRole(Roles.JudgeServer).MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "judge-server" }));
        return app;
    }
}
