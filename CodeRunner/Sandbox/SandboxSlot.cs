using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Cgroups;
using CodeRunner.Sandbox.Native;

namespace CodeRunner.Sandbox;

/// <summary>One worker slot: its uid, its long-lived cgroups and its box tmpfs. One box at a time.</summary>
internal sealed class SandboxSlot(int index, int uid, ICgroupHierarchy cgroups, string boxMount)
{
    public int Index => index;

    public int Uid => uid;

    public ISlotCgroup Cgroup { get; private set; } = cgroups.Slot(index);

    public string BoxMount => boxMount;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The slot's long-lived launcher (it lives in the slot's cgroups and is never killed by a run's cleanup); null without one.</summary>
    public SlotLauncher? Launcher { get; set; }

    /// <summary>
    /// Set when the slot may keep something of a run (pids still charged after it, a wipe or a kill
    /// that failed, a run the sandbox could not start): <see cref="SlotRepair"/> rebuilds it before its next box.
    /// </summary>
    public bool NeedsRepair { get; set; }

    /// <summary>Why the slot cannot run programs (its repair's self-test failed), null when it can. It then refuses boxes.</summary>
    public string? Problem { get; set; }

    /// <summary>What pids.current holds between runs: the launcher, if one is running.</summary>
    public long IdlePids => Launcher is { Pid: > 0 } ? 1 : 0;

    /// <summary>
    /// SIGKILLs until the slot's cgroup is empty. Processes leave cgroup.procs once they exit, so
    /// this is also the point after which nothing of the run can touch the box any more; their
    /// zombies still count in pids.current until reaped (see <see cref="Settle"/>).
    /// </summary>
    public void KillAndWaitEmpty()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var pids = RunPids();
            if (pids.Count == 0)
            {
                return;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"slot {index}: processes {string.Join(',', pids)} survived SIGKILL for 10 s");
            }
            KillRun();
            Thread.Sleep(1);
        }
    }

    /// <summary>
    /// After <see cref="KillAndWaitEmpty"/>: reaps the slot's orphans (the worker is their subreaper)
    /// until pids.current is back at <see cref="IdlePids"/>; false if it is not within
    /// <paramref name="timeout"/> (zombies nobody reaps would hold the slot's pids.max for good).
    /// </summary>
    public bool Settle(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Cgroup.PidsCurrent() > IdlePids)
        {
            if (Orphans.Reap(uid, 1) > 0)
            {
                continue;
            }
            if (clock.Elapsed > timeout)
            {
                return false;
            }
            Thread.Sleep(1);
        }
        return true;
    }

    /// <summary>
    /// A fresh cgroup under the same name. The old one goes once no live process is left in it
    /// (zombies do not keep a cgroup, but their pids stay charged to it until reaped); if it cannot
    /// go (a child cgroup, a process that did not die), the slot keeps it.
    /// </summary>
    public void RecreateCgroup()
    {
        try
        {
            Cgroup.Delete();
        }
        catch (IOException)
        {
        }
        Cgroup = cgroups.Slot(index);
    }

    /// <summary>SIGKILLs every process of the slot except its launcher.</summary>
    public void KillRun()
    {
        if (Launcher is null)
        {
            Cgroup.KillAll();
        }
        else
        {
            CgroupFiles.KillEach(RunPids());
        }
    }

    private IReadOnlyList<int> RunPids()
    {
        var pids = Cgroup.Pids();
        return Launcher is { Pid: > 0 } l ? pids.Where(p => p != l.Pid).ToArray() : pids;
    }
}
