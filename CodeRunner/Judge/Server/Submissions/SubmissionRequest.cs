using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Http;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Submissions;

/// <summary>The before-actions Judge0's submissions controller runs, shared by its endpoints.</summary>
internal static class SubmissionRequest
{
    public static bool Base64(HttpContext context) => RailsQuery.IsTrue(context, "base64_encoded");

    public static JsonHttpResult<JsonNode>? Maintenance(JudgeOptions options) =>
        options.MaintenanceMode ? JudgeJson.Error(StatusCodes.Status503ServiceUnavailable, options.MaintenanceMessage) : null;

    public static JsonHttpResult<JsonNode>? Fields(HttpContext context, out IReadOnlySet<string> fields)
    {
        fields = SubmissionFields.Parse(RailsQuery.Last(context, "fields"), out var invalid);
        return invalid.Count > 0
            ? JudgeJson.Error(StatusCodes.Status400BadRequest, $"invalid fields: [{string.Join(", ", invalid)}]")
            : null;
    }

    public static async Task<JsonHttpResult<JsonNode>?> QueueFull(Intake intake, int adding, CancellationToken ct) =>
        await intake.IsFullAsync(adding, ct) ? QueueIsFull() : null;

    public static JsonHttpResult<JsonNode> QueueIsFull() => JudgeJson.Error(StatusCodes.Status503ServiceUnavailable, "queue is full");

    public static JsonHttpResult<JsonNode>? BatchesDisabled(JudgeOptions options) =>
        options.EnableBatchedSubmissions ? null : JudgeJson.Error(StatusCodes.Status400BadRequest, "batched submissions are not allowed");

    public static JsonHttpResult<JsonNode> BatchSizeError(int count, JudgeOptions options) => count == 0
        ? JudgeJson.Error(StatusCodes.Status400BadRequest, "there should be at least one submission in a batch")
        : JudgeJson.Error(StatusCodes.Status400BadRequest, $"number of submissions in a batch should be less than or equal to {options.MaxSubmissionBatchSize}");

    public static JsonHttpResult<JsonNode> NotFound() => JudgeJson.NotFound();

    public static async Task<IReadOnlyDictionary<int, Language>> LanguagesAsync(ILanguageStore languages, CancellationToken ct) =>
        (await languages.ListAsync(includeArchived: true, ct)).ToDictionary(l => l.Id);
}
