using System.Text.Json.Nodes;
using CodeRunner.Judge.Server.Languages;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace CodeRunner.Judge.Server.Http;

/// <summary>
/// The last line: an unexpected exception is logged with its stack trace and answered with a
/// short JSON error, never with the trace (it can hold paths, SQL or configuration).
/// </summary>
internal sealed class JudgeExceptionHandler(ILogger<JudgeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is BadHttpRequestException bad)
        {
            context.Response.StatusCode = bad.StatusCode;
            await context.Response.WriteAsJsonAsync<JsonNode>(new JsonObject { ["error"] = "bad request" }, JudgeJson.Options, ct);
            return true;
        }
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads an answer.
            context.Response.StatusCode = 499;
            return true;
        }
        if (exception is NoLanguagesYetException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync<JsonNode>(new JsonObject { ["error"] = exception.Message }, JudgeJson.Options, ct);
            return true;
        }
        if (StorageFailures.IsUnavailable(exception))
        {
            // A store or the queue is down: say so, and let the client retry; the submission
            // was not accepted, so nothing is lost.
            logger.LogWarning("{Method} {Path}: a dependency is unavailable ({Error})", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync<JsonNode>(
                new JsonObject { ["error"] = "service unavailable: a database or the queue cannot be reached, retry shortly" }, JudgeJson.Options, ct);
            return true;
        }
        logger.LogError(exception, "Unhandled exception in {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await context.Response.WriteAsJsonAsync<JsonNode>(
            new JsonObject { ["error"] = "internal error", ["trace_id"] = context.TraceIdentifier }, JudgeJson.Options, ct);
        return true;
    }
}
