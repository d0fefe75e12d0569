using Carter;
using CodeRunner.Judge.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Sessions;

/// <summary>POST /authenticate and /authorize: 200 with no body when the tokens pass (the filters answer 401/403).</summary>
public sealed class SessionsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapPost("/authenticate", Ok);
        app.MapPost("/authorize", Ok).AddEndpointFilter<AuthorizationFilter>();
    }

    internal static Ok Ok() => TypedResults.Ok();
}
