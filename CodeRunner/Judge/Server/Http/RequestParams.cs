using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CodeRunner.Judge.Server.Http;

/// <summary>
/// Rails-style params: the body (JSON, or form-encoded like Rails also accepts) merged with the
/// query string, whose values win as in Rails. Returns the params as one JSON object, or the 4xx
/// answer when the body is unusable.
/// </summary>
internal static class RequestParams
{
    public static async Task<(JsonObject? Params, JsonHttpResult<JsonNode>? Error)> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (await RequestBody.ReadAsync(context, maxBytes) is not { } bytes)
        {
            return Refused(context, StatusCodes.Status413PayloadTooLarge, RequestBody.TooLarge(maxBytes));
        }
        var mediaType = RequestBody.MediaType(request.ContentType);
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
                return Refused(context, StatusCodes.Status400BadRequest, problem);
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
            return Refused(context, StatusCodes.Status415UnsupportedMediaType,
                $"unsupported content type {shown}; send application/json or application/x-www-form-urlencoded");
        }
        // Rails: request_parameters.merge(query_parameters), so a query value wins over the body's.
        foreach (var (key, values) in request.Query)
        {
            if (!key.Contains('['))
            {
                result[key] = values.Count > 0 ? values[^1] : null;
            }
        }
        return (result, null);
    }

    private static (JsonObject?, JsonHttpResult<JsonNode>?) Refused(HttpContext context, int status, string problem)
    {
        RequestBody.LogRefused(context, status, problem);
        return (null, JudgeJson.Error(status, problem));
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
