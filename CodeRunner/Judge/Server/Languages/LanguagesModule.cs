using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Languages;

/// <summary>
/// /languages: what the live workers can run (the union of their toolchains; every language ever
/// published while no worker reports). /languages/all and /languages/{id}: every one ever published.
/// </summary>
public sealed class LanguagesModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/languages", ListAsync);
        app.MapGet("/languages/all", ListAllAsync);
        app.MapGet("/languages/{id}", ShowAsync);
    }

    internal static async Task<JsonHttpResult<JsonNode>> ListAsync(ILanguageStore store, LiveLanguages live, CancellationToken ct)
    {
        var running = await live.IdsAsync(ct);
        return JudgeJson.Json(new JsonArray((await store.ListAsync(includeArchived: false, ct))
            .Where(l => running is null || running.Contains(l.Id))
            .Select(l => (JsonNode)new JsonObject { ["id"] = l.Id, ["name"] = l.Name }).ToArray()));
    }

    internal static async Task<JsonHttpResult<JsonNode>> ListAllAsync(ILanguageStore store, CancellationToken ct) =>
        JudgeJson.Json(new JsonArray((await store.ListAsync(includeArchived: true, ct))
            .Select(l => (JsonNode)new JsonObject { ["id"] = l.Id, ["name"] = l.Name, ["is_archived"] = l.IsArchived }).ToArray()));

    internal static async Task<JsonHttpResult<JsonNode>> ShowAsync(string id, ILanguageStore store, CancellationToken ct)
    {
        // Judge0: Language.unscoped.find(params[:id]); Rails casts the id with to_i ("71abc" is 71).
        var number = RubyText.ToI(id);
        var language = number is > 0 and <= int.MaxValue ? await store.GetAsync((int)number, ct) : null;
        return language is null
            ? JudgeJson.NotFound()
            : JudgeJson.Json(new JsonObject
            {
                ["id"] = language.Id,
                ["name"] = language.Name,
                ["is_archived"] = language.IsArchived,
                ["source_file"] = language.SourceFile,
                ["compile_cmd"] = language.CompileCmd,
                ["run_cmd"] = language.RunCmd,
            });
    }
}
