using System.Text.Json.Nodes;

namespace CodeRunner.Runner.Http;

/// <summary>Reads a request body that must be one JSON object of at most Runner:MaxRequestBytes.</summary>
internal static class JsonBody
{
    public sealed record Parsed(JsonObject Value, byte[] Bytes);

    public static async Task<(Parsed? Body, IResult? Error)> ReadObjectAsync(HttpContext context, long maxBytes)
    {
        var mediaType = RequestBody.MediaType(context.Request.ContentType);
        if (mediaType.Length > 0 && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            return Refused(context, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json");
        }
        if (await RequestBody.ReadAsync(context, maxBytes) is not { } bytes)
        {
            return Refused(context, StatusCodes.Status413PayloadTooLarge, RequestBody.TooLarge(maxBytes));
        }
        if (bytes.Length == 0)
        {
            return Refused(context, StatusCodes.Status400BadRequest, "request body must be a JSON object");
        }
        var (value, problem) = RequestJson.ParseObject(bytes);
        return problem is null ? (new Parsed(value!, bytes), null) : Refused(context, StatusCodes.Status400BadRequest, problem);
    }

    private static (Parsed?, IResult?) Refused(HttpContext context, int status, string problem)
    {
        RequestBody.LogRefused(context, status, problem);
        return (null, RunnerErrors.Error(status, problem));
    }
}
