using System.Net;

namespace CodeRunner.Runner.Auth;

/// <summary>Who is calling: the owner name every record is filed under ("key:&lt;name&gt;" or "session:&lt;id&gt;").</summary>
internal sealed record Caller(string Owner)
{
    public static Caller ForKey(string name) => new($"key:{name}");

    public static Caller ForSession(string id) => new($"session:{id}");

    /// <summary>An anonymous browser session: anyone can make more, so its budget and queue lane are shared with its address.</summary>
    public bool IsSession => Owner.StartsWith("session:", StringComparison.Ordinal);

    /// <summary>The caller as the judge tier's fair queue knows it: all sessions from one address are one caller.</summary>
    public string QueueName(IPAddress address) => IsSession ? $"ip:{address}" : Owner;

    public static Caller Of(HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("the endpoint was reached without an authenticated caller");
}

/// <summary>Marks runner endpoints that need an API key or a session.</summary>
internal sealed class RequiresCaller
{
    public static RequiresCaller Instance { get; } = new();
}
