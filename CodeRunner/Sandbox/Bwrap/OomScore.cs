namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// A run's memory cgroup also holds what the sandbox needs (the slot's launcher, bwrap's monitor,
/// the box's pid 1), and a program's memory need not be its RSS (socket buffers are charged to
/// the cgroup): left at oom_score_adj 0, the cgroup's OOM killer picked the launcher and bwrap
/// (red team 2026-12-02). So the helpers start at -1000, never a victim, and the reaper raises the
/// program to +1000 before exec, always the first one.
/// </summary>
/// <remarks>
/// Below 0 needs CAP_SYS_RESOURCE (the worker unit grants it), and a privileged write also sets
/// oom_score_adj_min: only the root shell that starts a launcher or a launcher-less run, before
/// setpriv, can do it, and everything it starts inherits it. Without the capability the write
/// fails and the helpers stay at 0, still below the program's +1000.
/// </remarks>
internal static class OomScore
{
    public const int Helper = -1000;

    public const int Program = 1000;

    /// <summary>sh: best effort, silent (its stderr may be the run's).</summary>
    public const string Unkillable = "echo -1000 >/proc/self/oom_score_adj 2>/dev/null";
}
