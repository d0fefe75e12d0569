using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace CodeRunner.Runner.Http;

/// <summary>Reads a request body that must be one JSON object of at most Runner:MaxRequestBytes.</summary>
internal static class JsonBody
{
    public sealed record Parsed(JsonObject Value, byte[] Bytes);

    public static async Task<(Parsed? Body, IResult? Error)> ReadObjectAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType.Length > 0 && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            return (null, RunnerErrors.Error(StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json"));
        }
        var tooLarge = RunnerErrors.Error(StatusCodes.Status413PayloadTooLarge, $"request body is larger than {maxBytes} bytes");
        if (request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, tooLarge);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
        var bytes = buffer.ToArray();
        if (bytes.Length == 0)
        {
            return (null, RunnerErrors.BadRequest("request body must be a JSON object"));
        }
        var (value, problem) = RequestJson.ParseObject(bytes);
        return problem is null ? (new Parsed(value!, bytes), null) : (null, RunnerErrors.BadRequest(problem));
    }
}
