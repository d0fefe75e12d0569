using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace CodeRunner.Contracts;

/// <summary>
/// A request body that must be one JSON object, read the same way by every tier that reads one
/// (the runner and the judge-server): at most 16 deep, duplicate names refused (tiers that picked
/// different ones would record one program and run another), and every string and name real
/// text: UTF-8 (the parser checks it only outside strings) with no half surrogate pair.
/// </summary>
internal static class RequestJson
{
    private const string NotText = "holds a \\u escape of half a UTF-16 surrogate pair, which is not text";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>The object, or the client's problem with the body in one sentence.</summary>
    public static (JsonObject? Value, string? Problem) ParseObject(byte[] bytes)
    {
        // Before parsing: the duplicate check would fail on such a name with a misleading message.
        if (!Utf8.IsValid(bytes) && JsonUtf8.FirstInvalid(bytes) is { } notUtf8)
        {
            return (null, $"malformed JSON in request body: {notUtf8} is not valid UTF-8");
        }
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(bytes, documentOptions: Options);
        }
        catch (JsonException e)
        {
            return (null, $"malformed JSON in request body: {FirstSentence(e.Message)}");
        }
        catch (InvalidOperationException)
        {
            // Thrown by the duplicate check, which reads every property name.
            return (null, $"malformed JSON in request body: a property name {NotText}");
        }
        if (parsed is not JsonObject value)
        {
            return (null, "request body must be a JSON object");
        }
        return MayHaveSurrogateEscape(bytes) && UnpairedSurrogate(value, "") is { } where
            ? (null, $"malformed JSON in request body: {where} {NotText}")
            : (value, null);
    }

    /// <summary>
    /// Whether the raw body holds a \uD800–\uDFFF escape, the only way half a pair gets in (raw
    /// UTF-8 was validated by the parser). Almost no body does, and then its strings are not
    /// unescaped twice (here and where they are used) on the create path.
    /// </summary>
    private static bool MayHaveSurrogateEscape(ReadOnlySpan<byte> json)
    {
        int at;
        while ((at = json.IndexOf("\\u"u8)) >= 0)
        {
            if (at + 3 < json.Length && (json[at + 2] | 0x20) == 'd' && (json[at + 3] is >= (byte)'8' and <= (byte)'9' || (json[at + 3] | 0x20) is >= 'a' and <= 'f'))
            {
                return true;
            }
            json = json[(at + 2)..];
        }
        return false;
    }

    /// <summary>
    /// The path of the first string value that is not text ("source_code", "submissions[2].stdin"),
    /// or null (property names were read by the duplicate check already). "\ud800" is valid
    /// JSON syntax, yet half a surrogate pair has no UTF-8 form: no store, log or sandbox can take
    /// it, and System.Text.Json throws wherever such a string is first read.
    /// </summary>
    private static string? UnpairedSurrogate(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (UnpairedSurrogate(value, path.Length == 0 ? name : $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (UnpairedSurrogate(a[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try
                {
                    _ = v.GetValue<string>();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }
            default:
                return null;
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }
}
