using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Submissions;

internal static class CreateSubmission
{
    /// <summary>POST /submissions: 201 {token}, or with wait=true the finished submission.</summary>
    public static async Task<JsonHttpResult<JsonNode>> HandleAsync(
        HttpContext context, JudgeOptions options, SubmissionBuilder builder, ISubmissionStore store,
        Intake intake, ICompletionSignal signal, ILanguageStore languages, CancellationToken ct)
    {
        var wait = RailsQuery.IsTrue(context, "wait");
        var invalidFields = SubmissionRequest.Fields(context, out var fields);
        var refused = SubmissionRequest.Maintenance(options)
            ?? (wait && !options.EnableWaitResult ? JudgeJson.Error(StatusCodes.Status400BadRequest, "wait not allowed") : null)
            ?? await SubmissionRequest.QueueFull(intake, 1, ct)
            ?? invalidFields;
        if (refused is not null)
        {
            return refused;
        }
        var base64 = SubmissionRequest.Base64(context);
        var (values, bad) = await RequestParams.ReadAsync(context, options.MaxRequestBodySize);
        if (bad is not null)
        {
            return bad;
        }
        var (submission, errors) = await builder.BuildAsync(values!, base64, ct);
        if (submission is null)
        {
            return JudgeJson.Json(errors, StatusCodes.Status422UnprocessableEntity);
        }

        if (!wait)
        {
            return await intake.AcceptAsync([submission], JudgeCaller.Of(context, options))
                ? JudgeJson.Json(new JsonObject { ["token"] = submission.Token }, StatusCodes.Status201Created)
                : SubmissionRequest.QueueIsFull();
        }

        var finished = await WaitForResult.RunAsync(submission, JudgeCaller.Of(context, options), options, store, intake, signal, ct);
        if (finished is null)
        {
            return SubmissionRequest.QueueIsFull();
        }
        var view = SubmissionView.Render(finished, fields, base64, await SubmissionRequest.LanguagesAsync(languages, ct));
        return view is not null
            ? JudgeJson.Json(view, StatusCodes.Status201Created)
            : JudgeJson.Json(new JsonObject { ["error"] = SubmissionView.ConversionError, ["token"] = submission.Token }, StatusCodes.Status201Created);
    }
}
