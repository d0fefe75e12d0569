using System.Net.Http.Headers;

namespace CodeRunner.Tests.Fuzz;

/// <summary>One generated request, and how to show it so that a failure can be read and replayed by hand.</summary>
internal sealed record FuzzRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string? ContentType, bool Chunked)
{
    /// <summary>The target goes out as generated: no dot segments removed, no escapes changed.</summary>
    public HttpRequestMessage ToMessage(Uri listener)
    {
        var url = new Uri(listener.GetLeftPart(UriPartial.Authority) + Target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var message = new HttpRequestMessage(new HttpMethod(Method), url);
        if (Body is not null)
        {
            message.Content = Chunked ? new StreamContent(new MemoryStream(Body)) : new ByteArrayContent(Body);
            if (!string.IsNullOrEmpty(ContentType))
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
            message.Headers.TransferEncodingChunked = Chunked;
        }
        foreach (var (name, value) in Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    /// <summary>
    /// Kestrel refuses, before it routes or reads the body, a request line over 8 KB (414), headers
    /// over 32 KB (431) and a header value that is not ASCII (400), each with Connection: close.
    /// A sender still writing a large body then sees the closed connection rather than the answer
    /// (HttpClient reports the failed write), so for these, no answer is no failure of ours.
    /// </summary>
    public bool RefusedByHttpLayer =>
        Method.Length + Target.Length + 10 > 8 * 1024
        || Headers.Sum(h => h.Name.Length + h.Value.Length + 4) > 32 * 1024
        || Headers.Any(h => h.Value.Any(c => c > '\x7e'));

    public string Describe()
    {
        var text = new StringBuilder($"{Method} {Printable(Encoding.UTF8.GetBytes(Target), 300)}");
        foreach (var (name, value) in Headers)
        {
            text.Append($"\n  {name}: {Printable(Encoding.Latin1.GetBytes(value), 200)}");
        }
        if (Body is not null)
        {
            text.Append($"\n  Content-Type: {ContentType}{(Chunked ? " (chunked)" : "")}\n  body ({Body.Length} bytes): {Printable(Body, 400)}");
        }
        return text.ToString();
    }

    /// <summary>Printable ASCII as it is, every other byte as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max)
    {
        var text = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            text.Append(b is >= 0x20 and < 0x7f and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }
        return bytes.Length > max ? text.Append('…').ToString() : text.ToString();
    }
}
