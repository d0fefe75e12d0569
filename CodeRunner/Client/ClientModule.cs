using CodeRunner.Hosting;

namespace CodeRunner.Client;

/// <summary>The client role: serves the web IDE embedded in the binary and forwards /api/* to the runner. Holds no state.</summary>
public static class ClientModule
{
    public static WebApplicationBuilder AddClient(this WebApplicationBuilder builder)
    {
        if (!builder.Roles().HasFlag(Roles.Client))
        {
            return builder;
        }
        builder.ListenAs(Roles.Client, "Client:Urls");
        builder.Services.AddSingleton(ClientOptions.Load(builder));
        builder.Services.AddSingleton(WebAssets.FromAssembly(typeof(ClientModule).Assembly));
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<RunnerForwarder>();
        builder.Services.AddSingleton<ClientReadiness>();
        return builder;
    }

    public static WebApplication MapClient(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<RunOptions>().Roles.HasFlag(Roles.Client))
        {
            return app;
        }
        app.UseClientSecurityHeaders();
        var role = app.MapRole(Roles.Client);
        role.MapGet("/health", () => TypedResults.Ok(new { status = "ok", role = "client" }));
        role.MapGet("/health/ready", (ClientReadiness readiness, CancellationToken ct) => readiness.CheckAsync(ct));
        role.MapMethods("/", [HttpMethods.Get, HttpMethods.Head],
            (HttpContext context, WebAssets assets) => assets.ServeAsync(context, "/index.html"));
        role.MapMethods("/assets/{**file}", [HttpMethods.Get, HttpMethods.Head],
            (HttpContext context, WebAssets assets) => assets.ServeAsync(context, context.Request.Path.Value!));
        role.Map("/api/{**rest}", (HttpContext context, RunnerForwarder forwarder) => forwarder.ForwardAsync(context));
        return app;
    }
}
