using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Judge.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Statuses;

/// <summary>/statuses: Judge0's fixed status table.</summary>
public sealed class StatusesModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app) => app.MapGet("/statuses", List);

    internal static JsonHttpResult<JsonNode> List() =>
        JudgeJson.Json(new JsonArray(Status.All.Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["description"] = s.Description }).ToArray()));
}
