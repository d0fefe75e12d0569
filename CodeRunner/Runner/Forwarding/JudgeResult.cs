namespace CodeRunner.Runner.Forwarding;

/// <summary>Writes the judge tier's answer as it came: status, content type, Retry-After and body.</summary>
internal sealed class JudgeResult(JudgeReply reply, byte[]? body = null) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var bytes = body ?? reply.Body;
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
