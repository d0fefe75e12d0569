using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Submissions;

internal static class ShowBatch
{
    /// <summary>GET /submissions/batch?tokens=a,b: {submissions:[...]}, null for unknown tokens.</summary>
    public static async Task<JsonHttpResult<JsonNode>> HandleAsync(
        HttpContext context, JudgeOptions options, ISubmissionStore store, ILanguageStore languages, CancellationToken ct)
    {
        var invalidFields = SubmissionRequest.Fields(context, out var fields);
        var refused = SubmissionRequest.BatchesDisabled(options) ?? invalidFields;
        if (refused is not null)
        {
            return refused;
        }
        // Judge0: (headers[:tokens] || params[:tokens]).to_s.strip.split(","): a token is taken as
        // written, so " a" or an empty one between commas is unknown (null).
        string raw = context.Request.Headers["tokens"].FirstOrDefault() ?? RailsQuery.Last(context, "tokens") ?? "";
        var tokens = RubyText.Split(raw.Trim(), ',');
        if (tokens.Count == 0 || tokens.Count > options.MaxSubmissionBatchSize)
        {
            return SubmissionRequest.BatchSizeError(tokens.Count, options);
        }
        var found = await store.GetManyAsync(tokens, ct);
        var base64 = SubmissionRequest.Base64(context);
        var known = await SubmissionRequest.LanguagesAsync(languages, ct);
        var list = new JsonArray();
        foreach (var submission in found)
        {
            if (submission is null)
            {
                list.Add(null);
                continue;
            }
            var view = SubmissionView.Render(submission, fields, base64, known);
            if (view is null)
            {
                return JudgeJson.Error(StatusCodes.Status400BadRequest, SubmissionView.ManyConversionError);
            }
            list.Add(view);
        }
        return JudgeJson.Json(new JsonObject { ["submissions"] = list });
    }
}
