using System.Text.Json.Nodes;
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
        logger.LogError(exception, "Unhandled exception in {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await context.Response.WriteAsJsonAsync<JsonNode>(
            new JsonObject { ["error"] = "internal error", ["trace_id"] = context.TraceIdentifier }, JudgeJson.Options, ct);
        return true;
    }
}
