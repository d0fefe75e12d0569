namespace CodeRunner.Judge.Server.Http;

/// <summary>A query value as Rails' params read it: given twice, the last one counts.</summary>
internal static class RailsQuery
{
    public static string? Last(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    /// <summary>Judge0's switches (`wait`, `base64_encoded`, `invalidate_cache`) are on only for the exact text "true".</summary>
    public static bool IsTrue(HttpContext context, string name) => Last(context, name) == "true";
}
