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
        var page = RubyToI(context.Request.Query["page"]) ?? 1;
        var perPage = RubyToI(context.Request.Query["per_page"]) ?? DefaultPerPage;
        if (page <= 0)
        {
            return JudgeJson.Error(StatusCodes.Status400BadRequest, $"invalid page: {page}");
        }
        if (perPage <= 0)
        {
            return JudgeJson.Error(StatusCodes.Status400BadRequest, $"invalid per_page: {perPage}");
        }
        var result = await store.ListAsync(page, perPage, ct);
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
        var totalPages = (long)Math.Ceiling(result.TotalCount / (double)perPage);
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

    /// <summary>Ruby's String#to_i: leading digits, else 0; absent stays null.</summary>
    private static int? RubyToI(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var text = value.Trim();
        var end = text.Length > 0 && text[0] is '-' or '+' ? 1 : 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        return int.TryParse(text[..end], out var n) ? n : 0;
    }
}
