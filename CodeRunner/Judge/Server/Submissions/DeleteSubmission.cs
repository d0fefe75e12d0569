using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Submissions;

internal static class DeleteSubmission
{
    /// <summary>DELETE /submissions/{token}: answers the deleted submission, always base64 (it is the last chance to read it).</summary>
    public static async Task<JsonHttpResult<JsonNode>> HandleAsync(
        string token, HttpContext context, JudgeOptions options, ISubmissionStore store, ILanguageStore languages, CancellationToken ct)
    {
        var invalidFields = SubmissionRequest.Fields(context, out var fields);
        var refused = SubmissionRequest.Maintenance(options) ?? invalidFields;
        if (refused is not null)
        {
            return refused;
        }
        if (!options.EnableSubmissionDelete)
        {
            return JudgeJson.Error(StatusCodes.Status400BadRequest, "delete not allowed");
        }
        var submission = await store.GetAsync(token, ct);
        if (submission is null)
        {
            return SubmissionRequest.NotFound();
        }
        var status = Status.FromId(submission.StatusId);
        if (!status.IsFinal)
        {
            return JudgeJson.Error(StatusCodes.Status400BadRequest,
                $"submission cannot be deleted because its status is {status.Id} ({status.Description})");
        }
        if (!await store.DeleteAsync(token, ct))
        {
            return SubmissionRequest.NotFound();
        }
        return JudgeJson.Json(SubmissionView.Render(submission, fields, base64: true, await SubmissionRequest.LanguagesAsync(languages, ct)));
    }
}
