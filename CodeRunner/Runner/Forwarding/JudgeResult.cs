namespace CodeRunner.Runner.Forwarding;

/// <summary>
/// Writes the judge tier's answer as it came: status, content type, Retry-After and body. Only an
/// empty 502-504 (the lb had no judge-server to give the call to) gets the runner's error body.
/// </summary>
internal sealed class JudgeResult(JudgeReply reply, byte[]? body = null) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var bytes = body ?? reply.Body;
        if (bytes.Length == 0 && reply.Status is >= StatusCodes.Status502BadGateway and <= StatusCodes.Status504GatewayTimeout)
        {
            await Http.RunnerErrors.WriteAsync(context, reply.Status, Http.RunnerErrors.JudgeUnavailable);
            return;
        }
        context.Response.StatusCode = reply.Status;
        if (reply.ContentType is not null)
        {
            context.Response.ContentType = reply.ContentType;
        }
        if (reply.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = reply.RetryAfter;
        }
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
