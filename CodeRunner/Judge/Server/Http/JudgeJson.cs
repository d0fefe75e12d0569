using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Http;

/// <summary>Every judge response body is JSON built in Judge0's key order; these are its shapes.</summary>
internal static class JudgeJson
{
    /// <summary>Like Rails: non-ASCII text goes out as UTF-8, not as \u escapes.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonHttpResult<JsonNode> Json(JsonNode? body, int status = StatusCodes.Status200OK) =>
        TypedResults.Json(body!, Options, statusCode: status);

    public static JsonHttpResult<JsonNode> Error(int status, string message) =>
        Json(new JsonObject { ["error"] = message }, status);

    /// <summary>
    /// A record that is not there: Rails' public exceptions app answers Judge0's RecordNotFound with
    /// this body when the client asks for JSON (and with an empty body otherwise).
    /// </summary>
    public static JsonHttpResult<JsonNode> NotFound() =>
        Json(new JsonObject { ["status"] = StatusCodes.Status404NotFound, ["error"] = "Not Found" }, StatusCodes.Status404NotFound);
}
