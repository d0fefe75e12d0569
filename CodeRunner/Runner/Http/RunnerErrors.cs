using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeRunner.Runner.Http;

/// <summary>The runner's own answers: <c>{"error": "..."}</c>, plus <c>"field"</c> when one field is at fault.</summary>
internal static class RunnerErrors
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public const string JudgeUnavailable = "judge service unavailable";

    public static IResult Error(int status, string message, string? field = null) =>
        TypedResults.Json(Body(message, field), Json, statusCode: status);

    public static IResult Invalid(string field, string message) =>
        Error(StatusCodes.Status422UnprocessableEntity, $"{field} {message}", field);

    public static IResult BadRequest(string message, string? field = null) =>
        Error(StatusCodes.Status400BadRequest, message, field);

    /// <summary>Judge0's own 404 (Rails' record-not-found body): an unknown token and another caller's look the same.</summary>
    public static IResult NotFound() =>
        TypedResults.Json(new JsonObject { ["status"] = 404, ["error"] = "Not Found" }, Json, statusCode: StatusCodes.Status404NotFound);

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync<JsonNode>(Body(message, null), Json, context.RequestAborted);
    }

    private static JsonObject Body(string message, string? field)
    {
        var body = new JsonObject { ["error"] = message };
        if (field is not null)
        {
            body["field"] = field;
        }
        return body;
    }
}
