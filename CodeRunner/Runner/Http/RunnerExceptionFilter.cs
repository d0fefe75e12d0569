using CodeRunner.Runner.Forwarding;

namespace CodeRunner.Runner.Http;

/// <summary>
/// A gateway never answers 500: the judge tier down is 503 (504 when it did not answer in time),
/// a failing history store is 503 too. Details go to the log, never into the body.
/// </summary>
internal sealed class RunnerExceptionFilter(ILogger<RunnerExceptionFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (JudgeUnavailableException e)
        {
            logger.LogWarning("judge tier unavailable: {Error}", e.Message);
            http.Response.Headers.RetryAfter = "1";
            return RunnerErrors.Error(e.TimedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status503ServiceUnavailable, RunnerErrors.JudgeUnavailable);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && e is not BadHttpRequestException)
        {
            logger.LogError(e, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
            http.Response.Headers.RetryAfter = "1";
            return RunnerErrors.Error(StatusCodes.Status503ServiceUnavailable, "runner unavailable, retry shortly");
        }
    }
}
