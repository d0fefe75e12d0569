namespace CodeRunner.Sandbox.Cgroups;

/// <summary>
/// The long-lived cgroups of one worker slot (created once, reused by every run: creating or
/// removing cgroups per run is slow and removal fails while zombies remain). v1 and v2 differ
/// only in file names and in which counters can be reset.
/// </summary>
internal interface ISlotCgroup
{
    /// <summary>The cgroup.procs files a launcher writes its own pid into (one per v1 hierarchy).</summary>
    IReadOnlyList<string> ProcsFiles { get; }

    /// <summary>Sets the limits and starts fresh counters; call only while the slot is empty.</summary>
    void Prepare(long memoryBytes, int pidsMax);

    /// <summary>CPU seconds used since Prepare; cheap enough to poll.</summary>
    double CpuSeconds();

    /// <summary>Totals since Prepare; meaningful once the slot is empty again.</summary>
    CgroupUsage Usage();

    IReadOnlyList<int> Pids();

    /// <summary>pids.current: also counts zombies not yet reaped, which cgroup.procs no longer lists.</summary>
    long PidsCurrent();

    /// <summary>SIGKILLs every process in the slot (v2: cgroup.kill, atomic against forks).</summary>
    void KillAll();

    void Delete();
}

internal sealed record CgroupUsage(double CpuSeconds, long PeakBytes, long OomKills);

/// <summary>A cgroup hierarchy (v1 or v2) that can hold slot cgroups under one parent name.</summary>
internal interface ICgroupHierarchy
{
    string Version { get; }

    ISlotCgroup Slot(int slot);

    /// <summary>Removes the parent cgroup once every slot was deleted.</summary>
    void DeleteParent();
}
