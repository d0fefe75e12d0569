using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Submissions;

internal static class CreateBatch
{
    /// <summary>
    /// POST /submissions/batch {submissions:[...]}: one {token} or errors object per item, 201 when
    /// at least one was accepted, else 422. No wait; fields are ignored (as in Judge0).
    /// </summary>
    public static async Task<JsonHttpResult<JsonNode>> HandleAsync(
        HttpContext context, JudgeOptions options, SubmissionBuilder builder, Intake intake, CancellationToken ct)
    {
        var refused = SubmissionRequest.Maintenance(options) ?? SubmissionRequest.BatchesDisabled(options);
        if (refused is not null)
        {
            return refused;
        }
        var (values, bad) = await RequestParams.ReadAsync(context, options.MaxRequestBodySize);
        if (bad is not null)
        {
            return bad;
        }
        var items = values!["submissions"] as JsonArray ?? [];
        // Judge0 counts params[:submissions].size, or 1 when there is none: an empty list adds nothing.
        var adding = values["submissions"] is JsonArray ? items.Count : 1;
        if (await SubmissionRequest.QueueFull(intake, adding, ct) is { } full)
        {
            return full;
        }
        if (items.Count == 0 || items.Count > options.MaxSubmissionBatchSize)
        {
            return SubmissionRequest.BatchSizeError(items.Count, options);
        }

        var base64 = SubmissionRequest.Base64(context);
        var response = new JsonArray();
        var accepted = new List<Submission>();
        foreach (var item in items)
        {
            var (submission, errors) = await builder.BuildAsync(item as JsonObject ?? [], base64, ct);
            if (submission is null)
            {
                response.Add(errors);
                continue;
            }
            accepted.Add(submission);
            response.Add(new JsonObject { ["token"] = submission.Token });
        }
        if (accepted.Count > 0 && !await intake.AcceptAsync(accepted, JudgeCaller.Of(context, options)))
        {
            return SubmissionRequest.QueueIsFull();
        }
        return JudgeJson.Json(response, accepted.Count > 0 ? StatusCodes.Status201Created : StatusCodes.Status422UnprocessableEntity);
    }
}
