using System.Text.Json;
using System.Text.Unicode;

namespace CodeRunner.Contracts;

/// <summary>
/// Where a JSON text holds bytes that are not UTF-8 inside a string or a property name.
/// System.Text.Json validates UTF-8 only outside strings; inside one it throws later, wherever
/// the string is first read (a 500 in whichever handler that is).
/// </summary>
internal static class JsonUtf8
{
    /// <summary>
    /// "source_code", "submissions[1].stdin", "a property name", "a property name of
    /// submissions[0]"; null when every string and name is UTF-8 (or the text is not JSON, which
    /// the parser then reports).
    /// </summary>
    public static string? FirstInvalid(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        // One entry per open container: the name of its current member, or its current index.
        var path = new List<(string? Name, int Index)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when !Utf8.IsValid(reader.ValueSpan):
                        return path.Count <= 1 ? "a property name" : $"a property name of {Path(path, path.Count - 1)}";
                    case JsonTokenType.PropertyName:
                        path[^1] = (reader.GetString(), -1);
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                }
                if (path.Count > 0 && path[^1].Name is null)
                {
                    path[^1] = (null, path[^1].Index + 1);
                }
                switch (reader.TokenType)
                {
                    case JsonTokenType.String when !Utf8.IsValid(reader.ValueSpan):
                        return path.Count == 0 ? "the body" : Path(path, path.Count);
                    case JsonTokenType.StartObject:
                        path.Add(("", -1));
                        break;
                    case JsonTokenType.StartArray:
                        path.Add((null, -1));
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
            // A name with a \u escape of half a surrogate pair: the parser's check names it.
        }
        return null;
    }

    private static string Path(List<(string? Name, int Index)> path, int count)
    {
        var text = new StringBuilder();
        foreach (var (name, index) in path.Take(count))
        {
            if (name is null)
            {
                text.Append('[').Append(index).Append(']');
            }
            else
            {
                text.Append(text.Length == 0 ? "" : ".").Append(name);
            }
        }
        return text.ToString();
    }
}
