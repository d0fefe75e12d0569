using System.Net;
using System.Text.Json;
using CodeRunner.Hosting.Ops;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace CodeRunner.Client;

/// <summary>
/// <c>/api/{**rest}</c> → <c>RUNNER_API_URL/{rest}</c>, except the runner's operations paths
/// (metrics, health, docs: 404 here), with YARP's direct forwarder: method, body,
/// query, cookies and every status code and header (Retry-After, Set-Cookie) pass through. A runner
/// that does not answer becomes a 502/504 JSON error the IDE shows as "server down"; a body over
/// <see cref="ClientOptions.MaxRequestBytes"/> is a 413 here, before or while it is forwarded.
/// </summary>
internal sealed class RunnerForwarder(IHttpForwarder forwarder, ClientOptions options, ILogger<RunnerForwarder> logger)
{
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(3) };

    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ActivityHeadersPropagator = null,
    });

    private readonly string _destination = options.RunnerApiUrl.ToString().TrimEnd('/');

    public async Task ForwardAsync(HttpContext context)
    {
        context.Request.Path.StartsWithSegments("/api", out var rest);
        if (OpsModule.IsOperationsPath(rest))
        {
            // The runner's metrics, health and docs are for its private network, not the browser.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { error = "not found" });
            return;
        }
        var maxBytes = options.MaxRequestBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // Held to the limit by CappedRequestBody instead (see there).
            size.MaxRequestBodySize = null;
        }
        if (context.Request.ContentLength > maxBytes)
        {
            await TooLargeAsync(context, maxBytes);
            return;
        }
        context.Request.Body = new CappedRequestBody(context.Request.Body, maxBytes);
        var error = await forwarder.SendAsync(context, _destination, _http, RequestConfig, StripApiPrefix.Instance);
        if (error is ForwarderError.None or ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled)
        {
            return;
        }
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (IsTooLarge(exception) && !context.Response.HasStarted)
        {
            await TooLargeAsync(context, maxBytes);
            return;
        }
        logger.LogWarning("runner did not answer {Method} {Path}: {Error} {Message}",
            context.Request.Method, context.Request.Path, error, exception?.Message);
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = error == ForwarderError.RequestTimedOut
            ? StatusCodes.Status504GatewayTimeout
            : StatusCodes.Status502BadGateway;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = "server down: the runner did not answer" }));
    }

    private static async Task TooLargeAsync(HttpContext context, long maxBytes)
    {
        RequestBody.LogRefused(context, StatusCodes.Status413PayloadTooLarge, RequestBody.TooLarge(maxBytes));
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = RequestBody.TooLarge(maxBytes) }));
    }

    private static bool IsTooLarge(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Drops the <c>/api</c> prefix and says who the browser is (the client is the public edge).</summary>
    private sealed class StripApiPrefix : HttpTransformer
    {
        public static readonly StripApiPrefix Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest,
            string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            httpContext.Request.Path.StartsWithSegments("/api", out var rest);
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, rest, httpContext.Request.QueryString);
            proxyRequest.Headers.Host = null;
            // Anything the browser claimed is replaced: only the client knows the real peer.
            proxyRequest.Headers.Remove("X-Forwarded-For");
            proxyRequest.Headers.Remove("X-Forwarded-Proto");
            proxyRequest.Headers.Remove("X-Forwarded-Host");
            proxyRequest.Headers.Remove("Forwarded");
            if (httpContext.Connection.RemoteIpAddress is { } ip)
            {
                proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", ip.ToString());
            }
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Host", httpContext.Request.Host.Value);
        }
    }
}
