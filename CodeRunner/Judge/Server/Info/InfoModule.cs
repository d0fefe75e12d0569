using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Judge.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Info;

/// <summary>Judge0's informational endpoints. Version is 1.13.1: clients refuse other versions.</summary>
public sealed class InfoModule : ICarterModule
{
    internal const string Judge0Version = "1.13.1";

    internal const string License = """
        CodeRunner: a Judge0 CE 1.13.1 compatible code execution service.

        This server implements the Judge0 CE API (https://github.com/judge0/judge0, GPL-3.0);
        it contains none of Judge0's code. See the CodeRunner distribution for its license.
        """;

    internal const string Isolate = """
        CodeRunner sandbox (in place of isolate): bubblewrap namespaces without network,
        cgroup memory/pids/CPU accounting, rlimits, one unprivileged uid per worker slot.
        """;

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/about", About);
        app.MapGet("/version", Version);
        app.MapGet("/license", LicenseText);
        app.MapGet("/isolate", IsolateText);
        app.MapGet("/config_info", Config);
        app.MapGet("/system_info", System);
        app.MapGet("/statistics", StatisticsAsync);
    }

    internal static JsonHttpResult<JsonNode> About(JudgeOptions options) => JudgeJson.Json(new JsonObject
    {
        ["version"] = Judge0Version,
        ["homepage"] = options.Homepage,
        ["source_code"] = options.SourceCode,
        ["maintainer"] = options.Maintainer,
    });

    internal static ContentHttpResult Version() => TypedResults.Text(Judge0Version, "text/plain; charset=utf-8");

    internal static ContentHttpResult LicenseText() => TypedResults.Text(License, "text/plain; charset=utf-8");

    internal static ContentHttpResult IsolateText() => TypedResults.Text(Isolate, "text/plain; charset=utf-8");

    internal static JsonHttpResult<JsonNode> Config(JudgeOptions options) => JudgeJson.Json(ConfigInfo.Build(options));

    internal static JsonHttpResult<JsonNode> System() => JudgeJson.Json(SystemInfo.Build());

    internal static async Task<JsonHttpResult<JsonNode>> StatisticsAsync(HttpContext context, Statistics statistics, CancellationToken ct) =>
        JudgeJson.Json(await statistics.GetAsync(RailsQuery.IsTrue(context, "invalidate_cache"), ct));
}
