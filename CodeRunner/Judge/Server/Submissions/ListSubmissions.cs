using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Submissions;

internal static class ListSubmissions
{
    private const int DefaultPerPage = 20;

    /// <summary>GET /submissions?page=&amp;per_page=: newest first, will_paginate's meta.</summary>
    public static async Task<JsonHttpResult<JsonNode>> HandleAsync(
        HttpContext context, ISubmissionStore store, ILanguageStore languages, CancellationToken ct)
    {
        if (SubmissionRequest.Fields(context, out var fields) is { } invalid)
        {
            return invalid;
        }
        // Judge0: params[:page].try(:to_i) || 1, and the same for per_page.
        var page = RailsQuery.Last(context, "page") is { } p ? RubyText.ToI(p) : 1;
        var perPage = RailsQuery.Last(context, "per_page") is { } pp ? RubyText.ToI(pp) : DefaultPerPage;
        if (page <= 0)
        {
            return JudgeJson.Error(StatusCodes.Status400BadRequest, $"invalid page: {page}");
        }
        // Judge0 refuses only a negative per_page; 0 then fails in will_paginate (total / 0.0 is
        // Infinity, and Infinity.ceil a 500) unless there are no submissions at all. Ours says why.
        if (perPage <= 0)
        {
            return JudgeJson.Error(StatusCodes.Status400BadRequest, $"invalid per_page: {perPage}");
        }
        var result = await store.ListAsync((int)Math.Min(page, int.MaxValue), (int)Math.Min(perPage, int.MaxValue), ct);
        var base64 = SubmissionRequest.Base64(context);
        var known = await SubmissionRequest.LanguagesAsync(languages, ct);
        var items = new JsonArray();
        foreach (var submission in result.Items)
        {
            var view = SubmissionView.Render(submission, fields, base64, known);
            if (view is null)
            {
                return JudgeJson.Error(StatusCodes.Status400BadRequest, SubmissionView.ManyConversionError);
            }
            items.Add(view);
        }
        // will_paginate 3.2.1: total_entries.zero? ? 1 : (total_entries / per_page.to_f).ceil
        var totalPages = result.TotalCount == 0 ? 1 : result.TotalCount / perPage + (result.TotalCount % perPage == 0 ? 0 : 1);
        return JudgeJson.Json(new JsonObject
        {
            ["submissions"] = items,
            ["meta"] = new JsonObject
            {
                ["current_page"] = page,
                ["next_page"] = page < totalPages ? page + 1 : null,
                ["prev_page"] = page > 1 ? page - 1 : null,
                ["total_pages"] = totalPages,
                ["total_count"] = result.TotalCount,
            },
        });
    }
}
