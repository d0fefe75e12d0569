using System.Text.RegularExpressions;

namespace CodeRunner.Runner.Forwarding;

/// <summary>
/// The query values the runner forwards (base64_encoded, wait, fields), checked first; anything
/// else in the query string is dropped, since the judge reads query values as submission params.
/// </summary>
internal sealed partial record SubmissionQuery(bool Base64, bool Wait, string? Fields)
{
    /// <summary>What the runner needs to see in a result to file it, whatever fields the caller chose.</summary>
    private static readonly string[] Needed = ["token", "status", "time", "memory"];

    public static (SubmissionQuery? Query, IResult? Error) Parse(IQueryCollection query)
    {
        if (Flag(query, "base64_encoded", out var base64) is { } badBase64)
        {
            return (null, badBase64);
        }
        if (Flag(query, "wait", out var wait) is { } badWait)
        {
            return (null, badWait);
        }
        string? fields = null;
        if (query.TryGetValue("fields", out var values))
        {
            fields = values.Count == 1 ? values[0]?.Trim() : null;
            if (fields is null || fields.Length > 1024 || !FieldList().IsMatch(fields))
            {
                return (null, Http.RunnerErrors.BadRequest("fields must be a comma separated list of field names or *", "fields"));
            }
        }
        return (new SubmissionQuery(base64, wait, fields), null);
    }

    /// <summary>The caller's fields plus what the runner needs; <paramref name="added"/> are to be removed from the answer.</summary>
    public string? ForwardedFields(out IReadOnlyList<string> added)
    {
        added = [];
        if (Fields is null)
        {
            return null;
        }
        var names = Fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (names.Contains("*"))
        {
            return Fields;
        }
        added = Needed.Where(n => !names.Contains(n)).ToList();
        return string.Join(",", names.Concat(added));
    }

    public string ToQueryString(bool includeWait, string? fields)
    {
        var parts = new List<string>();
        if (Base64)
        {
            parts.Add("base64_encoded=true");
        }
        if (includeWait && Wait)
        {
            parts.Add("wait=true");
        }
        if (fields is not null)
        {
            parts.Add("fields=" + Uri.EscapeDataString(fields));
        }
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private static IResult? Flag(IQueryCollection query, string name, out bool value)
    {
        value = false;
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }
        switch (values.Count == 1 ? values[0] : null)
        {
            case "true":
                value = true;
                return null;
            case "false":
                return null;
            default:
                return Http.RunnerErrors.BadRequest($"{name} must be true or false", name);
        }
    }

    [GeneratedRegex(@"^\s*[a-z_*]+\s*(,\s*[a-z_*]+\s*)*$")]
    private static partial Regex FieldList();
}
