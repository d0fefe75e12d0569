using CodeRunner.Hosting;

namespace CodeRunner.Judge.Worker;

/// <summary>The judge-worker role: claims jobs, compiles and runs them in the sandbox.</summary>
public static class JudgeWorkerModule
{
    public static WebApplicationBuilder AddJudgeWorker(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.JudgeWorker))
        {
            return builder;
        }
        builder.ListenAs(Roles.JudgeWorker, "Worker:Urls");
        return builder;
    }

    public static WebApplication MapJudgeWorker(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.JudgeWorker))
        {
            return app;
        }
        app.MapRole(Roles.JudgeWorker).MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "judge-worker" }));
        return app;
    }
}
