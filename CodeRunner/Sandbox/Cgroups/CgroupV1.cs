namespace CodeRunner.Sandbox.Cgroups;

/// <summary>cgroup v1: separate memory, pids and cpuacct hierarchies (Debian 12 as configured here).</summary>
internal sealed class CgroupV1(string memoryMount, string pidsMount, string cpuacctMount, string name) : ICgroupHierarchy
{
    public string Version => "v1";

    public ISlotCgroup Slot(int slot)
    {
        var leaf = $"slot{slot}";
        return new SlotV1(
            Create(memoryMount, leaf),
            Create(pidsMount, leaf),
            Create(cpuacctMount, leaf));
    }

    public void DeleteParent()
    {
        foreach (var mount in new[] { memoryMount, pidsMount, cpuacctMount }.Distinct())
        {
            CgroupFiles.Remove(Path.Combine(mount, name));
        }
    }

    private string Create(string mount, string leaf)
    {
        var dir = Path.Combine(mount, name, leaf);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private sealed class SlotV1(string memory, string pids, string cpuacct) : ISlotCgroup
    {
        private readonly bool hasMemsw = File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes"));
        private long memoryLimit = -1;
        private long oomBaseline;

        public IReadOnlyList<string> ProcsFiles { get; } =
            new[] { memory, pids, cpuacct }.Distinct().Select(d => Path.Combine(d, "cgroup.procs")).ToArray();

        public void Prepare(long memoryBytes, int pidsMax)
        {
            if (memoryBytes != memoryLimit)
            {
                // memsw must stay >= the memory limit at every step: lift it, set the limit, then
                // pin memsw to the same value so the program cannot swap past its limit.
                if (hasMemsw)
                {
                    CgroupFiles.Write(Path.Combine(memory, "memory.memsw.limit_in_bytes"), -1);
                }
                CgroupFiles.Write(Path.Combine(memory, "memory.limit_in_bytes"), memoryBytes);
                if (hasMemsw)
                {
                    CgroupFiles.Write(Path.Combine(memory, "memory.memsw.limit_in_bytes"), memoryBytes);
                }
                memoryLimit = memoryBytes;
            }
            // Page cache the slot's earlier steps read (a compiler, a JVM's modules) stays charged
            // here, and a reset peak starts at the current usage: without this a Ruby hello world
            // after a Haskell compile reported the whole limit. Reclaimed when it is more than the
            // launcher's own few MB, so each run's memory is its own (as in a fresh cgroup).
            if (CgroupFiles.ReadLong(Path.Combine(memory, "memory.usage_in_bytes")) > CgroupFiles.StaleChargeBytes)
            {
                try
                {
                    CgroupFiles.Write(Path.Combine(memory, "memory.force_empty"), 0);
                }
                catch (IOException)
                {
                    // Reclaim is a best effort; the run goes on with whatever stayed charged.
                }
            }
            CgroupFiles.Write(Path.Combine(memory, "memory.max_usage_in_bytes"), 0);
            if (hasMemsw)
            {
                CgroupFiles.Write(Path.Combine(memory, "memory.memsw.max_usage_in_bytes"), 0);
            }
            CgroupFiles.Write(Path.Combine(pids, "pids.max"), pidsMax);
            CgroupFiles.Write(Path.Combine(cpuacct, "cpuacct.usage"), 0);
            oomBaseline = CgroupFiles.ReadKey(Path.Combine(memory, "memory.oom_control"), "oom_kill");
        }

        public double CpuSeconds() => CgroupFiles.ReadLong(Path.Combine(cpuacct, "cpuacct.usage")) / 1e9;

        public CgroupUsage Usage() => new(
            CpuSeconds(),
            CgroupFiles.ReadLong(Path.Combine(memory, "memory.max_usage_in_bytes")),
            CgroupFiles.ReadKey(Path.Combine(memory, "memory.oom_control"), "oom_kill") - oomBaseline);

        public IReadOnlyList<int> Pids() => ProcsFiles.SelectMany(CgroupFiles.ReadPids).Distinct().ToArray();

        public long PidsCurrent() => CgroupFiles.ReadLong(Path.Combine(pids, "pids.current"));

        public void KillAll() => CgroupFiles.KillEach(Pids());

        public void Delete()
        {
            foreach (var dir in new[] { memory, pids, cpuacct }.Distinct())
            {
                CgroupFiles.Remove(dir);
            }
        }
    }
}
