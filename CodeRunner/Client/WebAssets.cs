using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace CodeRunner.Client;

/// <summary>
/// The IDE's files, embedded in the binary by the build (resources named <c>web/...</c>, each with
/// a pre-compressed <c>.gz</c> twin). Hashed files under /assets/ are cached for a year; index.html
/// is revalidated with its ETag on every load.
/// </summary>
internal sealed class WebAssets
{
    private const string Prefix = "web/";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly Dictionary<string, Asset> _assets;

    private WebAssets(Dictionary<string, Asset> assets) => _assets = assets;

    public static WebAssets FromAssembly(Assembly assembly)
    {
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToHashSet();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !n.EndsWith(".gz", StringComparison.Ordinal)))
        {
            var body = Read(assembly, name);
            var gzip = names.Contains(name + ".gz") ? Read(assembly, name + ".gz") : null;
            var path = "/" + name[Prefix.Length..];
            var hash = Convert.ToHexStringLower(SHA256.HashData(body))[..16];
            ContentTypes.TryGetContentType(path, out var contentType);
            if (contentType is "text/html" or "text/css" or "text/javascript" or "application/javascript" or "image/svg+xml")
            {
                contentType += "; charset=utf-8";
            }
            assets[path] = new Asset(body, gzip, contentType ?? "application/octet-stream", hash,
                path.StartsWith("/assets/", StringComparison.Ordinal));
        }
        if (!assets.ContainsKey("/index.html"))
        {
            throw new InvalidOperationException(
                "the web IDE is not embedded in this binary: build it with Node.js and npm installed (the build runs npm ci and npm run build)");
        }
        return new WebAssets(assets);
    }

    /// <summary>Answers GET/HEAD for <paramref name="path"/>; 404 for files that are not embedded.</summary>
    public async Task ServeAsync(HttpContext context, string path)
    {
        var response = context.Response;
        if (!_assets.TryGetValue(path, out var asset))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("not found", context.RequestAborted);
            return;
        }
        var gzip = asset.Gzip is not null && AcceptsGzip(context.Request);
        var etag = new EntityTagHeaderValue($"\"{asset.Hash}{(gzip ? "-gz" : "")}\"");
        response.Headers.ETag = etag.ToString();
        response.Headers.Vary = "Accept-Encoding";
        response.Headers.CacheControl = asset.Immutable ? "public, max-age=31536000, immutable" : "no-cache";
        if (context.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } match
            && match.Any(m => m.Equals(EntityTagHeaderValue.Any) || m.Compare(etag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var body = gzip ? asset.Gzip! : asset.Body;
        response.ContentType = asset.ContentType;
        response.ContentLength = body.Length;
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e =>
            (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value.Equals("*", StringComparison.Ordinal))
            && (e.Quality ?? 1) > 0);

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private sealed record Asset(byte[] Body, byte[]? Gzip, string ContentType, string Hash, bool Immutable);
}
