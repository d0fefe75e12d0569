namespace CodeRunner.Hosting.Ops;

/// <summary>Each role's name (as in --role) and its configuration section.</summary>
internal static class RoleSections
{
    private static readonly Dictionary<Roles, string> Sections = new()
    {
        [Roles.Client] = "Client",
        [Roles.Runner] = "Runner",
        [Roles.Lb] = "Lb",
        [Roles.JudgeServer] = "Judge",
        [Roles.JudgeWorker] = "Worker",
    };

    /// <summary>Names come from <see cref="RoleNames.Known"/>, the one list of roles --role accepts.</summary>
    public static readonly IReadOnlyList<(Roles Role, string Name, string Section)> All =
        [.. RoleNames.Known.Where(k => Sections.ContainsKey(k.Role)).Select(k => (k.Role, k.Name, Sections[k.Role]))];

    public static IEnumerable<(Roles Role, string Name, string Section)> On(Roles roles) => All.Where(r => roles.HasFlag(r.Role));

    /// <summary>coderunner-judge-server, coderunner-judge-server+judge-worker, coderunner-all.</summary>
    public static string ServiceName(Roles roles) =>
        "coderunner-" + (roles == Roles.All ? "all" : RoleNames.Describe(roles).Replace(',', '+'));
}
