using System.Text.Json;
using System.Text.Json.Nodes;
using CodeRunner.Runner.Http;

namespace CodeRunner.Runner.Forwarding;

/// <summary>Reading the judge's JSON answers and taking back out the fields the runner asked for on its own account.</summary>
internal static class JudgeJson
{
    public static JsonNode? Parse(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static void Strip(JsonNode? node, IReadOnlyList<string> added)
    {
        foreach (var view in node is JsonObject { } o && o["submissions"] is JsonArray many ? many.OfType<JsonObject>() : node is JsonObject one ? [one] : [])
        {
            foreach (var name in added)
            {
                view.Remove(name);
            }
        }
    }

    public static byte[] Serialize(JsonNode? node) =>
        JsonSerializer.SerializeToUtf8Bytes(node, RunnerErrors.Json);
}
