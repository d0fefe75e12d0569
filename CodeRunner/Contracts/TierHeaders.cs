namespace CodeRunner.Contracts;

/// <summary>Headers only the tiers send each other, never a caller.</summary>
public static class TierHeaders
{
    /// <summary>
    /// Who the runner is submitting for ("ip:&lt;address&gt;" for anonymous sessions, "key:&lt;name&gt;" for API
    /// keys): the judge queues each caller's jobs in a lane of its own and serves lanes in turn. The
    /// judge-server believes it only from a request with a trusted caller token.
    /// </summary>
    public const string Caller = "X-CodeRunner-Caller";
}
