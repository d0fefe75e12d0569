using Carter;
using CodeRunner.Hosting;
using CodeRunner.Runner.Auth;
using CodeRunner.Runner.Forwarding;
using CodeRunner.Runner.History;
using CodeRunner.Runner.Http;
using CodeRunner.Runner.Limits;
using CodeRunner.Runner.Recording;
using CodeRunner.Runner.Settings;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodeRunner.Runner;

/// <summary>The runner role: gateway: API keys, rate limits, history; strict proxy to the lb.</summary>
public static class RunnerModule
{
    public const string CorsPolicy = "runner";

    private static readonly Type[] OpenModules = [typeof(SessionsModule)];
    private static readonly Type[] CallerModules = [typeof(SubmissionsModule), typeof(HistoryListModule), typeof(SettingsModule)];

    public static WebApplicationBuilder AddRunner(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.Runner))
        {
            return builder;
        }
        builder.ListenAs(Roles.Runner, "Runner:Urls");
        var options = RunnerOptions.Load(builder.Configuration, builder.Roles());
        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHistoryStore(builder.Configuration);
        services.AddHttpClient(JudgeTier.ClientName, http => JudgeTier.Configure(http, options))
            .ConfigurePrimaryHttpMessageHandler(JudgeTier.Handler);
        services.AddSingleton<JudgeTier>();
        RunnerReadiness.Add(services);
        services.AddSingleton<HistoryRecorder>();
        services.AddSingleton<LanguageNames>();
        services.AddRunnerRateLimits(options);
        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            if (options.AllowedOrigins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                // Explicit origins may send the session cookie.
                policy.WithOrigins([.. options.AllowedOrigins]).AllowCredentials();
            }
            policy.WithMethods("GET", "POST", "PUT")
                .WithHeaders("Content-Type", CallerMiddleware.KeyHeader, CallerMiddleware.SessionHeader, "Authorization")
                .WithExposedHeaders("Retry-After");
        }));
        builder.AddCarterModule<SessionsModule>();
        builder.AddCarterModule<SubmissionsModule>();
        builder.AddCarterModule<HistoryListModule>();
        builder.AddCarterModule<SettingsModule>();
        return builder;
    }

    public static WebApplication MapRunner(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.Runner))
        {
            return app;
        }
        // Each acts only on endpoints that carry its metadata, i.e. on the runner's own listeners.
        app.UseCors();
        app.UseMiddleware<CallerMiddleware>();
        app.UseRateLimiter();

        var role = app.MapRole(Roles.Runner).RequireCors(CorsPolicy);
        role.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "runner" }));
        RunnerReadiness.Map(role);
        var open = role.MapGroup("").AddEndpointFilter<RunnerExceptionFilter>();
        var api = open.MapGroup("").WithMetadata(RequiresCaller.Instance);
        foreach (var module in app.Services.GetServices<ICarterModule>())
        {
            var type = module.GetType();
            if (OpenModules.Contains(type))
            {
                module.AddRoutes(open);
            }
            else if (CallerModules.Contains(type))
            {
                module.AddRoutes(api);
            }
        }
        // Everything else (admin endpoints, list, delete, other methods) does not exist here.
        role.Map("/{**rest}", () => RunnerErrors.NotFound());
        return app;
    }
}
