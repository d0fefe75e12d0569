using CodeRunner.Judge.Callbacks;
using Carter;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CodeRunner.Hosting;
using CodeRunner.Storage;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Judge.Server.Info;
using CodeRunner.Judge.Server.Languages;
using CodeRunner.Judge.Server.Sessions;
using CodeRunner.Judge.Server.Statuses;
using CodeRunner.Judge.Server.Submissions;
using CodeRunner.Judge.Server.Workers;

namespace CodeRunner.Judge.Server;

/// <summary>The judge-server role: the Judge0 CE 1.13.1 REST API. Never runs user code.</summary>
public static class JudgeServerModule
{
    private static readonly Type[] Modules =
    [
        typeof(SubmissionsModule), typeof(LanguagesModule), typeof(StatusesModule),
        typeof(InfoModule), typeof(WorkersModule), typeof(SessionsModule),
    ];

    public static WebApplicationBuilder AddJudgeServer(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.JudgeServer))
        {
            return builder;
        }
        builder.ListenAs(Roles.JudgeServer, JudgeUrlsKey(builder));
        builder.Services.TryAddSingleton(JudgeOptions.Load(builder.Configuration));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<CallbackTargets>();
        builder.Services.TryAddSingleton<LiveLanguages>();
        builder.Services.AddSingleton<SubmissionBuilder>();
        builder.Services.AddSingleton<Intake>();
        builder.Services.AddStorageReadiness();
        builder.Services.AddSingleton<Statistics>();
        builder.Services.AddExceptionHandler<JudgeExceptionHandler>();
        builder.AddCarterModule<SubmissionsModule>();
        builder.AddCarterModule<LanguagesModule>();
        builder.AddCarterModule<StatusesModule>();
        builder.AddCarterModule<InfoModule>();
        builder.AddCarterModule<WorkersModule>();
        builder.AddCarterModule<SessionsModule>();
        return builder;
    }

    /// <summary>
    /// In one process with the lb, the lb keeps the public Judge0 port (2358) and the judge-server
    /// moves to <c>Judge:UrlsBehindLb</c> (2359) unless it was given a port of its own.
    /// </summary>
    public static string JudgeUrlsKey(IHostApplicationBuilder builder) =>
        builder.Roles().HasFlag(Roles.Lb) && builder.Configuration["Judge:Urls"] == builder.Configuration["Lb:Urls"]
            ? "Judge:UrlsBehindLb"
            : "Judge:Urls";

    public static WebApplication MapJudgeServer(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.JudgeServer))
        {
            return app;
        }
        var options = app.Services.GetRequiredService<JudgeOptions>();
        foreach (var warning in options.Overridden)
        {
            app.Logger.LogWarning("{Warning}", warning);
        }
        // JudgeExceptionHandler answers; the fallback below is never reached but the middleware requires one.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = _ => Task.CompletedTask, SuppressDiagnosticsCallback = _ => true });

        var role = app.MapRole(Roles.JudgeServer);
        // Liveness for the load balancer: no token, no store.
        role.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "judge-server" }));
        role.MapReadiness();
        // Judge0's home#index, outside authentication: 200 and nothing, or its docs when asked to.
        role.MapGet("/", () => options.UseDocsAsHomepage ? Results.Redirect("/api/docs") : Results.Ok());

        var api = role.MapGroup("").AddEndpointFilter<AuthenticationFilter>();
        foreach (var module in app.Services.GetServices<ICarterModule>().Where(m => Modules.Contains(m.GetType())))
        {
            module.AddRoutes(api);
        }
        return app;
    }
}
