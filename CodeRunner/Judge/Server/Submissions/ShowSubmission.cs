using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Submissions;

internal static class ShowSubmission
{
    /// <summary>GET /submissions/{token}.</summary>
    public static async Task<JsonHttpResult<JsonNode>> HandleAsync(
        string token, HttpContext context, ISubmissionStore store, ILanguageStore languages, CancellationToken ct)
    {
        if (SubmissionRequest.Fields(context, out var fields) is { } invalid)
        {
            return invalid;
        }
        var submission = await store.GetAsync(token, ct);
        if (submission is null)
        {
            return SubmissionRequest.NotFound();
        }
        var view = SubmissionView.Render(submission, fields, SubmissionRequest.Base64(context), await SubmissionRequest.LanguagesAsync(languages, ct));
        return view is not null ? JudgeJson.Json(view) : JudgeJson.Error(StatusCodes.Status400BadRequest, SubmissionView.ConversionError);
    }
}
