using CodeRunner.Judge.Callbacks;
using CodeRunner.Hosting;
using CodeRunner.Hosting.Ops;
using CodeRunner.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CodeRunner.Judge.Worker.Execution;
using CodeRunner.Judge.Worker.Languages;
using CodeRunner.Sandbox;

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
        builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection("Worker"));
        builder.Services.TryAddSingleton(JudgeOptions.Load(builder.Configuration));
        builder.Services.AddSandbox(builder.Configuration);
        builder.Services.MeasureSandboxRuns();
        builder.Services.AddStorageReadiness();
        builder.Services.AddSandboxReadiness();
        builder.Services.AddSingleton<ToolchainDetector>();
        builder.Services.AddSingleton<LanguageRegistry>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CompileCache>();
        builder.Services.AddSingleton<SubmissionExecutor>();
        builder.Services.TryAddSingleton<CallbackTargets>();
        builder.Services.AddSingleton<CallbackSender>();
        builder.Services.AddSingleton<CallbackQueue>();
        // Before the worker: hosted services stop in reverse, so callbacks of jobs that finish
        // during the worker's stop grace still go out.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallbackQueue>());
        builder.Services.AddSingleton<WorkerService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkerService>());
        return builder;
    }

    public static WebApplication MapJudgeWorker(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.JudgeWorker))
        {
            return app;
        }
        var role = app.MapRole(Roles.JudgeWorker);
        role.MapGet("/health", WorkerHealth);
        // What this worker itself can run, in /languages' shape (the judge-server lists the union of the live workers').
        role.MapGet("/languages", (LanguageRegistry languages) => TypedResults.Ok(languages.All
            .OrderBy(l => l.Info.Name, StringComparer.Ordinal).ThenBy(l => l.Info.Id)
            .Select(l => new { id = l.Info.Id, name = l.Info.Name })));
        role.MapReadiness();
        return app;
    }

    private static IResult WorkerHealth(WorkerService worker, LanguageRegistry languages) =>
        worker.Ready.IsCompletedSuccessfully
            ? TypedResults.Ok(new { status = "ok", role = "judge-worker", worker = worker.Id, busy = worker.Busy, languages = languages.All.Count })
            : TypedResults.Json(new { status = worker.Ready.IsFaulted ? "failed" : "starting", role = "judge-worker" }, statusCode: 503);
}
