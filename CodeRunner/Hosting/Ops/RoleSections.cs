namespace CodeRunner.Hosting.Ops;

/// <summary>Each role's name (as in --role) and its configuration section.</summary>
internal static class RoleSections
{
    public static readonly IReadOnlyList<(Roles Role, string Name, string Section)> All =
    [
        (Roles.Client, "client", "Client"),
        (Roles.Runner, "runner", "Runner"),
        (Roles.Lb, "lb", "Lb"),
        (Roles.JudgeServer, "judge-server", "Judge"),
        (Roles.JudgeWorker, "judge-worker", "Worker"),
    ];

    public static IEnumerable<(Roles Role, string Name, string Section)> On(Roles roles) => All.Where(r => roles.HasFlag(r.Role));

    /// <summary>coderunner-judge-server, coderunner-judge-server+judge-worker, coderunner-all.</summary>
    public static string ServiceName(Roles roles) =>
        "coderunner-" + (roles == Roles.All ? "all" : RoleNames.Describe(roles).Replace(',', '+'));
}
