using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Workers;

/// <summary>
/// /workers in Judge0's shape. Judge0 counts one Resque process per job slot, so our counts are
/// slots: available = all live slots, working = busy ones, paused = slots of paused workers.
/// </summary>
public sealed class WorkersModule : ICarterModule
{
    /// <summary>Judge0 names its one queue after its version; clients display it.</summary>
    internal const string QueueName = "1.13.1";

    public void AddRoutes(IEndpointRouteBuilder app) => app.MapGet("/workers", ListAsync);

    internal static async Task<JsonHttpResult<JsonNode>> ListAsync(IJobQueue queue, IWorkerRegistry registry, CancellationToken ct)
    {
        var workers = await registry.ListAsync(ct);
        var paused = workers.Where(w => w.Paused).Sum(w => w.Slots);
        var working = workers.Sum(w => Math.Min(w.Busy, w.Slots));
        var available = workers.Sum(w => w.Slots);
        return JudgeJson.Json(new JsonArray(new JsonObject
        {
            ["queue"] = QueueName,
            ["size"] = await queue.CountAsync(ct),
            ["available"] = available,
            ["idle"] = workers.Where(w => !w.Paused).Sum(w => Math.Max(0, w.Slots - w.Busy)),
            ["working"] = working,
            ["paused"] = paused,
            ["failed"] = workers.Sum(w => w.Failed),
        }));
    }
}
