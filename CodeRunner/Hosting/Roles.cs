namespace CodeRunner.Hosting;

/// <summary>The tiers one binary can be. <c>--role</c> is parsed into these flags.</summary>
[Flags]
public enum Roles
{
    None = 0,
    Client = 1,
    Runner = 2,
    Lb = 4,
    JudgeServer = 8,
    JudgeWorker = 16,
    All = Client | Runner | Lb | JudgeServer | JudgeWorker,
}

public static class RoleNames
{
    public static readonly IReadOnlyList<(string Name, Roles Role, string Does)> Known =
    [
        ("client", Roles.Client, "web IDE, the only public role (forwards /api/* to the runner)"),
        ("runner", Roles.Runner, "gateway: API keys, rate limits, history; proxies to the lb"),
        ("lb", Roles.Lb, "load balancer (YARP) across judge servers"),
        ("judge-server", Roles.JudgeServer, "the Judge0 CE 1.13.1 REST API; stores and enqueues submissions"),
        ("judge-worker", Roles.JudgeWorker, "claims jobs, compiles and runs them in the sandbox"),
        ("all", Roles.All, "every role in one process, each on its own loopback port"),
    ];

    public static string Choices => string.Join(", ", Known.Select(k => k.Name));

    /// <summary>Parses "judge-server,judge-worker" or "all". Null with an error message when invalid.</summary>
    public static Roles? Parse(string value, out string? error)
    {
        error = null;
        var result = Roles.None;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Known.FirstOrDefault(k => string.Equals(k.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                error = $"unknown role '{part}'; valid roles: {Choices}";
                return null;
            }
            result |= match.Role;
        }
        if (result == Roles.None)
        {
            error = $"--role needs a value; valid roles: {Choices}";
            return null;
        }
        return result;
    }

    public static string Describe(Roles roles) =>
        string.Join(",", Known.Where(k => k.Role != Roles.All && roles.HasFlag(k.Role)).Select(k => k.Name));
}
