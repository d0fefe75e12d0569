namespace CodeRunner.Tests.Support;

/// <summary>
/// Request bodies holding bytes that are not UTF-8: the text as UTF-8, except that each
/// <c>&lt;XX XX&gt;</c> (hex) becomes those raw bytes, e.g. <c>"a&lt;FF&gt;b"</c> or an encoded
/// surrogate <c>&lt;ED A0 80&gt;</c>.
/// </summary>
internal static class NotUtf8
{
    public static byte[] Bytes(string template)
    {
        var bytes = new List<byte>();
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf('<', at);
            var close = open < 0 ? -1 : template.IndexOf('>', open);
            if (open < 0 || close < 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(template[at..]));
                break;
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(template[at..open]));
            bytes.AddRange(template[(open + 1)..close].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => Convert.ToByte(h, 16)));
            at = close + 1;
        }
        return [.. bytes];
    }

    public static ByteArrayContent Json(string template)
    {
        var content = new ByteArrayContent(Bytes(template));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
