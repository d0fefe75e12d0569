using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace CodeRunner.Contracts;

/// <summary>
/// A request body of at most a limit, read the same way by every tier that reads one (the runner
/// and the judge-server): refused before reading when Content-Length says it is larger, otherwise
/// held to the limit as it arrives (chunked bodies too). A body of known length goes straight into
/// one array of that size.
/// </summary>
internal static class RequestBody
{
    /// <summary>The bytes, or null when the body is larger than <paramref name="maxBytes"/> (the caller answers 413).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            // The limit is held here, not by Kestrel (whose default, 30 MB, may be below it): after
            // our 413 Kestrel then drains the rest of the body for a few seconds, so the sender reads
            // the answer; at its own limit it would close the connection under a sender still writing.
            feature.MaxRequestBodySize = null;
        }
        if (context.Request.ContentLength > maxBytes)
        {
            return null;
        }
        try
        {
            return context.Request.ContentLength is { } length and <= int.MaxValue
                ? await ReadExactlyAsync(context, (int)length)
                : await ReadChunkedAsync(context, maxBytes);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The feature was read-only (the body was read before), and Kestrel's limit held.
            return null;
        }
    }

    public static string TooLarge(long maxBytes) => $"request body is larger than {maxBytes} bytes";

    /// <summary>
    /// A body refused as unreadable is the client's mistake, not ours: one line in the log (at
    /// Information, no stack trace), control characters from the body's names shown escaped.
    /// </summary>
    public static void LogRefused(HttpContext context, int status, string problem)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestBody).FullName!);
        if (logger.IsEnabled(LogLevel.Information))
        {
            var line = string.Concat(problem.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
            logger.LogInformation("{Method} {Path}: {Status} {Problem}", context.Request.Method, context.Request.Path, status, line);
        }
    }

    /// <summary>"application/json; charset=utf-8" → "application/json"; empty when none was sent.</summary>
    public static string MediaType(string? contentType) =>
        (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

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

    private static async Task<byte[]?> ReadChunkedAsync(HttpContext context, long maxBytes)
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
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }
}
