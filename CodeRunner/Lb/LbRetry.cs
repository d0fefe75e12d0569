using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace CodeRunner.Lb;

/// <summary>
/// YARP has no retry. Between a judge-server's death and the health checks noticing, a request
/// sent to it would fail, so a request that provably never reached it (the connection was
/// refused or timed out) is sent to another judge-server, whatever its method; a GET or HEAD
/// without a body is also retried when the judge-server died while answering. Anything else
/// (a POST that may have been stored) is answered 502 rather than risk running it twice.
/// </summary>
internal static partial class LbRetry
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next, int maxAttempts, ILogger logger)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var tried = new List<DestinationState>();
        for (var attempt = 1; ; attempt++)
        {
            await next();
            var error = context.GetForwarderErrorFeature();
            if (error is null || context.Response.HasStarted || attempt >= maxAttempts || !Retryable(context.Request, error))
            {
                break;
            }
            if (proxy.ProxiedDestination is { } failed)
            {
                tried.Add(failed);
            }
            var rest = candidates.Where(d => !tried.Contains(d)).ToList();
            if (rest.Count == 0)
            {
                break;
            }
            LogRetry(logger, context.Request.Method, context.Request.Path, error.Error, proxy.ProxiedDestination?.DestinationId);
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = rest;
        }
        if (context.GetForwarderErrorFeature()?.Error == ForwarderError.NoAvailableDestinations && !context.Response.HasStarted)
        {
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsJsonAsync(new { error = "no judge-server available" });
        }
    }

    internal static bool Retryable(HttpRequest request, IForwarderErrorFeature error) =>
        error.Error switch
        {
            ForwarderError.Request => NeverConnected(error.Exception) || IsBodilessRead(request),
            ForwarderError.RequestTimedOut => NeverConnected(error.Exception),
            _ => false,
        };

    private static bool IsBodilessRead(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.ContentLength is null or 0
        && !request.Headers.ContainsKey("Transfer-Encoding");

    /// <summary>Connection refused, unreachable, or the connect timeout: no byte of the request left the lb.</summary>
    private static bool NeverConnected(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }:
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable }:
                case OperationCanceledException { InnerException: TimeoutException }:
                    return true;
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} failed on {Destination} ({Error}); trying another judge-server")]
    private static partial void LogRetry(ILogger logger, string method, string path, ForwarderError error, string? destination);
}
