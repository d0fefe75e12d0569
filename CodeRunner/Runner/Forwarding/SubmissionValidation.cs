using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeRunner.Runner.Http;

namespace CodeRunner.Runner.Forwarding;

/// <summary>What the runner checks before a submission leaves for the judge tier; the judge checks the rest.</summary>
internal static class SubmissionValidation
{
    /// <summary>language_id: a whole number (JSON number or digit string), as Judge0 clients send it.</summary>
    public static int? LanguageId(JsonObject item) => item["language_id"] is JsonValue v ? v.GetValueKind() switch
    {
        JsonValueKind.Number when v.TryGetValue<int>(out var n) => n,
        JsonValueKind.String when int.TryParse(v.GetValue<string>().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    } : null;

    /// <summary>Null when the item may be forwarded, else the 422 naming the field (prefix locates it in a batch).</summary>
    public static IResult? Check(JsonObject item, string prefix = "")
    {
        if (!item.ContainsKey("language_id") || item["language_id"] is null)
        {
            return RunnerErrors.Invalid(prefix + "language_id", "is required");
        }
        if (LanguageId(item) is null)
        {
            return RunnerErrors.Invalid(prefix + "language_id", "must be an integer");
        }
        foreach (var text in (string[])["source_code", "stdin", "expected_output"])
        {
            if (item[text] is { } node && node.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return RunnerErrors.Invalid(prefix + text, "must be a string");
            }
        }
        return null;
    }

    /// <summary>POST /submissions/batch: {"submissions": [1..max objects]}.</summary>
    public static (List<JsonObject>? Items, IResult? Error) CheckBatch(JsonObject body, int max)
    {
        if (body["submissions"] is not JsonArray array)
        {
            return (null, RunnerErrors.Invalid("submissions", "must be an array of submissions"));
        }
        if (array.Count == 0 || array.Count > max)
        {
            return (null, RunnerErrors.Invalid("submissions", $"must hold between 1 and {max} submissions"));
        }
        var items = new List<JsonObject>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject item)
            {
                return (null, RunnerErrors.Invalid($"submissions[{i}]", "must be an object"));
            }
            if (Check(item, $"submissions[{i}].") is { } error)
            {
                return (null, error);
            }
            items.Add(item);
        }
        return (items, null);
    }

    /// <summary>Judge0 tokens are UUIDs; anything else cannot be one of the caller's.</summary>
    public static bool LooksLikeToken(string token) =>
        token.Length is > 0 and <= 64 && token.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
