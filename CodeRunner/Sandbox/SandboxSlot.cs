using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Cgroups;

namespace CodeRunner.Sandbox;

/// <summary>One worker slot: its uid, its long-lived cgroups and its box tmpfs. One box at a time.</summary>
internal sealed class SandboxSlot(int index, int uid, ISlotCgroup cgroup, string boxMount)
{
    public int Index => index;

    public int Uid => uid;

    public ISlotCgroup Cgroup => cgroup;

    public string BoxMount => boxMount;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The slot's long-lived launcher (it lives in the slot's cgroups and is never killed by a run's cleanup); null without one.</summary>
    public SlotLauncher? Launcher { get; set; }

    /// <summary>Set when a wipe failed; the slot then refuses new boxes.</summary>
    public bool Broken { get; set; }

    /// <summary>
    /// SIGKILLs until the slot's cgroup is empty. Processes leave cgroup.procs only once reaped,
    /// so this is also the point after which nothing of the run can touch the box any more.
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

    /// <summary>SIGKILLs every process of the slot except its launcher.</summary>
    public void KillRun()
    {
        if (Launcher is null)
        {
            cgroup.KillAll();
        }
        else
        {
            CgroupFiles.KillEach(RunPids());
        }
    }

    private IReadOnlyList<int> RunPids()
    {
        var pids = cgroup.Pids();
        return Launcher is { Pid: > 0 } l ? pids.Where(p => p != l.Pid).ToArray() : pids;
    }
}
