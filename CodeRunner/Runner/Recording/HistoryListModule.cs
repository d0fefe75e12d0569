using System.Globalization;
using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Runner.Auth;
using CodeRunner.Runner.Forwarding;
using CodeRunner.Runner.History;
using CodeRunner.Runner.Http;
using CodeRunner.Runner.Limits;

namespace CodeRunner.Runner.Recording;

/// <summary>GET /history?page=1&amp;per_page=20: the caller's submissions, newest first.</summary>
public sealed class HistoryListModule : ICarterModule
{
    public const int MaxPerPage = 100;

    public void AddRoutes(IEndpointRouteBuilder app) =>
        app.MapGet("/history", ListAsync).RequireRateLimiting(RunnerRateLimits.Reads);

    private static async Task<IResult> ListAsync(
        HttpContext context, IHistoryStore store, JudgeTier judge, HistoryRecorder recorder, LanguageNames languages,
        TimeProvider time, ILogger<HistoryListModule> logger, CancellationToken ct)
    {
        if (Number(context.Request.Query, "page", 1, int.MaxValue, 1) is not { } page)
        {
            return RunnerErrors.BadRequest("page must be a whole number of at least 1", "page");
        }
        if (Number(context.Request.Query, "per_page", 1, MaxPerPage, 20) is not { } perPage)
        {
            return RunnerErrors.BadRequest($"per_page must be a whole number from 1 to {MaxPerPage}", "per_page");
        }
        var owner = Caller.Of(context).Owner;
        var found = await store.ListAsync(owner, page, perPage, ct);
        var items = found.Items.ToList();
        var unfinished = items.Where(e => e.Result is not { StatusId: >= HistoryRecorder.FirstFinalStatus }).Select(e => e.Token).ToList();
        if (unfinished.Count > 0)
        {
            var results = await RefreshAsync(judge, unfinished, logger, ct);
            await recorder.RecordResultsAsync(owner, results.Values);
            items = items.Select(e => results.TryGetValue(e.Token, out var view)
                && HistoryRecorder.Summary(view, time.GetUtcNow()) is { } result ? e with { Result = result } : e).ToList();
        }
        var names = await languages.GetAsync(ct);
        var list = new JsonArray();
        foreach (var entry in items)
        {
            list.Add(Render(entry, names));
        }
        return TypedResults.Json(
            new JsonObject { ["items"] = list, ["page"] = page, ["per_page"] = perPage, ["total"] = found.Total },
            RunnerErrors.Json);
    }

    /// <summary>One batch call for every unfinished entry on the page; nothing when the judge tier cannot answer.</summary>
    private static async Task<Dictionary<string, JsonObject>> RefreshAsync(
        JudgeTier judge, IReadOnlyList<string> tokens, ILogger logger, CancellationToken ct)
    {
        var views = new Dictionary<string, JsonObject>();
        try
        {
            var reply = await judge.GetAsync(
                $"submissions/batch?tokens={Uri.EscapeDataString(string.Join(",", tokens))}&fields=token,status,time,memory,finished_at", ct);
            if (reply.IsSuccess && JudgeJson.Parse(reply.Body) is JsonObject { } answer && answer["submissions"] is JsonArray list)
            {
                foreach (var view in list.OfType<JsonObject>())
                {
                    if (HistoryRecorder.Token(view) is { } token)
                    {
                        views[token] = view;
                    }
                }
            }
        }
        catch (JudgeUnavailableException e)
        {
            logger.LogWarning("history: results not refreshed, {Error}", e.Message);
        }
        return views;
    }

    private static JsonObject Render(HistoryEntry entry, IReadOnlyDictionary<int, string> names)
    {
        var result = entry.Result;
        var item = new JsonObject
        {
            ["token"] = entry.Token,
            ["language_id"] = entry.LanguageId,
        };
        if (names.TryGetValue(entry.LanguageId, out var name))
        {
            item["language_name"] = name;
        }
        item["source_code"] = entry.SourceCode;
        item["stdin"] = entry.Stdin;
        // Before the runner has seen a result the submission is, as far as it knows, in the queue.
        item["status"] = new JsonObject
        {
            ["id"] = result?.StatusId ?? 1,
            ["description"] = result?.StatusDescription ?? "In Queue",
        };
        item["time"] = result?.Time;
        item["memory"] = result?.Memory;
        item["created_at"] = Iso(entry.CreatedAt);
        item["finished_at"] = result?.FinishedAt is { } at ? Iso(at) : null;
        return item;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static int? Number(IQueryCollection query, string name, int min, int max, int fallback)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return fallback;
        }
        return values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : null;
    }
}
