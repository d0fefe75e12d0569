using System.Buffers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Http;

/// <summary>
/// Rails-style params: the body (JSON, or form-encoded like Rails also accepts) over the query
/// string. Returns the params as one JSON object, or the 4xx answer when the body is unusable.
/// </summary>
internal static class RequestParams
{
    public static async Task<(JsonObject? Params, JsonHttpResult<JsonNode>? Error)> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        var body = await ReadBodyAsync(context, maxBytes);
        if (body.Error is not null)
        {
            return (null, body.Error);
        }
        var bytes = body.Bytes!;
        var mediaType = MediaType(request.ContentType);
        JsonObject result;
        if (bytes.Length == 0)
        {
            result = [];
        }
        else if (mediaType is "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal) || (mediaType.Length == 0 && LooksLikeJson(bytes)))
        {
            var (json, problem) = RequestJson.ParseObject(bytes);
            if (problem is not null)
            {
                return (null, JudgeJson.Error(StatusCodes.Status400BadRequest, problem));
            }
            result = json!;
        }
        else if (mediaType is "application/x-www-form-urlencoded")
        {
            result = FromForm(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + Encoding.UTF8.GetString(bytes))
                .Select(p => (p.Key, p.Value.Select(v => v ?? "").ToArray())));
        }
        else
        {
            var shown = string.IsNullOrEmpty(request.ContentType) ? "none" : $"'{request.ContentType}'";
            return (null, JudgeJson.Error(StatusCodes.Status415UnsupportedMediaType,
                $"unsupported content type {shown}; send application/json or application/x-www-form-urlencoded"));
        }
        foreach (var (key, values) in request.Query)
        {
            if (!result.ContainsKey(key) && !key.Contains('['))
            {
                result[key] = values.Count > 0 ? values[^1] : null;
            }
        }
        return (result, null);
    }

    private static async Task<(byte[]? Bytes, JsonHttpResult<JsonNode>? Error)> ReadBodyAsync(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = maxBytes;
        }
        try
        {
            return context.Request.ContentLength is { } length and <= int.MaxValue
                ? (await ReadExactlyAsync(context, (int)length), null)
                : await ReadChunkedAsync(context, maxBytes);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
    }

    private static JsonHttpResult<JsonNode> TooLarge(long maxBytes) =>
        JudgeJson.Error(StatusCodes.Status413PayloadTooLarge, $"request body is larger than {maxBytes} bytes");

    /// <summary>A body of known length (at most the limit, checked above) straight into one array of that size.</summary>
    private static async Task<byte[]> ReadExactlyAsync(HttpContext context, int length)
    {
        var bytes = new byte[length];
        var filled = 0;
        int read;
        while (filled < length && (read = await context.Request.Body.ReadAsync(bytes.AsMemory(filled), context.RequestAborted)) > 0)
        {
            filled += read;
        }
        return filled == length ? bytes : bytes[..filled];
    }

    private static async Task<(byte[]? Bytes, JsonHttpResult<JsonNode>? Error)> ReadChunkedAsync(HttpContext context, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return (buffer.ToArray(), null);
    }

    /// <summary>
    /// Form pairs into params. "submissions[][source_code]=a&amp;submissions[][source_code]=b" becomes
    /// submissions: [{source_code: a}, {source_code: b}] (the n-th value goes to the n-th item).
    /// </summary>
    internal static JsonObject FromForm(IEnumerable<(string Key, string[] Values)> pairs)
    {
        var result = new JsonObject();
        foreach (var (key, values) in pairs)
        {
            var open = key.IndexOf("[][", StringComparison.Ordinal);
            if (open > 0 && key.EndsWith(']'))
            {
                var name = key[..open];
                var field = key[(open + 3)..^1];
                if (result[name] is not JsonArray array)
                {
                    result[name] = array = [];
                }
                for (var i = 0; i < values.Length; i++)
                {
                    while (array.Count <= i)
                    {
                        array.Add(new JsonObject());
                    }
                    ((JsonObject)array[i]!)[field] = values[i];
                }
            }
            else
            {
                result[key] = values.Length > 0 ? values[^1] : null;
            }
        }
        return result;
    }

    private static string MediaType(string? contentType) =>
        (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    private static bool LooksLikeJson(byte[] bytes)
    {
        foreach (var b in bytes)
        {
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                continue;
            }
            return b is (byte)'{' or (byte)'[';
        }
        return false;
    }
}
