using Carter;
using CodeRunner.Judge.Server.Http;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>/submissions: create, show, list, delete, and the batch variants.</summary>
public sealed class SubmissionsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapPost("/submissions", CreateSubmission.HandleAsync);
        app.MapGet("/submissions", ListSubmissions.HandleAsync).AddEndpointFilter<AuthorizationFilter>();
        app.MapPost("/submissions/batch", CreateBatch.HandleAsync);
        app.MapGet("/submissions/batch", ShowBatch.HandleAsync);
        app.MapGet("/submissions/{token}", ShowSubmission.HandleAsync);
        app.MapDelete("/submissions/{token}", DeleteSubmission.HandleAsync).AddEndpointFilter<AuthorizationFilter>();
    }
}
