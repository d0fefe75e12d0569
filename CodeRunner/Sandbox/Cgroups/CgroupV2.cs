using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace CodeRunner.Sandbox.Cgroups;

/// <summary>
/// cgroup v2 (Ubuntu 24.04): one unified tree with memory and pids enabled down to base/name/slotN.
/// The base is the worker's own cgroup (<c>/proc/self/cgroup</c>): under systemd with
/// <c>Delegate=yes</c> that is the service's delegated subtree, so runs stay inside the service
/// (<c>systemctl stop</c> ends them, its accounting covers them). A cgroup with processes cannot
/// hand controllers to children, so the worker first moves itself into a leaf,
/// base/<see cref="SupervisorLeaf"/>. Outside any service (own cgroup = root) the base is the root.
/// </summary>
internal sealed class CgroupV2 : ICgroupHierarchy
{
    public const string SupervisorLeaf = "supervisor";

    private readonly string parent;

    public CgroupV2(string mountRoot, string name, string ownCgroup = "/")
    {
        var relative = ownCgroup.Trim('/');
        var baseDir = relative.Length == 0 ? mountRoot : Path.Combine(mountRoot, relative);
        if (relative.Length > 0 && Path.GetFileName(baseDir) == SupervisorLeaf)
        {
            // Restarted in place (e.g. the sandbox set up again): already in the leaf.
            baseDir = Path.GetDirectoryName(baseDir)!;
        }
        else if (relative.Length > 0)
        {
            var leaf = Path.Combine(baseDir, SupervisorLeaf);
            Directory.CreateDirectory(leaf);
            // Every process of the service, not only this one: one left behind (a shell an
            // ExecStartPre or an operator started in the unit) makes enabling controllers below
            // fail with EBUSY (cgroup v2's no-internal-processes rule). This one last.
            foreach (var pid in CgroupFiles.ReadPids(Path.Combine(baseDir, "cgroup.procs")).Where(p => p != Environment.ProcessId))
            {
                try
                {
                    CgroupFiles.Write(Path.Combine(leaf, "cgroup.procs"), pid);
                }
                catch (IOException)
                {
                    // Exited meanwhile (ESRCH).
                }
            }
            CgroupFiles.Write(Path.Combine(leaf, "cgroup.procs"), Environment.ProcessId);
        }
        parent = Path.Combine(baseDir, name);
        Directory.CreateDirectory(parent);
        // Children only get controller files when every ancestor delegates the controllers.
        CgroupFiles.Write(Path.Combine(baseDir, "cgroup.subtree_control"), "+memory +pids");
        CgroupFiles.Write(Path.Combine(parent, "cgroup.subtree_control"), "+memory +pids");
    }

    /// <summary>The process's cgroup v2 path from <c>/proc/self/cgroup</c> (the <c>0::</c> line); "/" when none.</summary>
    public static string OwnCgroup(string procSelfCgroup = "/proc/self/cgroup") =>
        File.Exists(procSelfCgroup)
            ? File.ReadLines(procSelfCgroup).FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "/"
            : "/";

    public string Version => "v2";

    public ISlotCgroup Slot(int slot)
    {
        var dir = Path.Combine(parent, $"slot{slot}");
        Directory.CreateDirectory(dir);
        return new SlotV2(dir);
    }

    public void DeleteParent() => CgroupFiles.Remove(parent);

    private sealed class SlotV2(string dir) : ISlotCgroup
    {
        private long cpuBaselineUsec;
        private long oomBaseline;
        private long sampledPeak;
        // Since Linux 6.12 a write to memory.peak resets the peak seen through that open file;
        // older kernels cannot reset it, so the peak falls back to polled memory.current.
        private SafeFileHandle? peak;

        public IReadOnlyList<string> ProcsFiles { get; } = [Path.Combine(dir, "cgroup.procs")];

        public void Prepare(long memoryBytes, int pidsMax)
        {
            CgroupFiles.Write(Path.Combine(dir, "memory.max"), memoryBytes);
            var swap = Path.Combine(dir, "memory.swap.max");
            if (File.Exists(swap))
            {
                CgroupFiles.Write(swap, 0);
            }
            CgroupFiles.Write(Path.Combine(dir, "pids.max"), pidsMax);
            // As on v1: an earlier step's page cache charged here is reclaimed (memory.reclaim, 5.19+).
            var reclaim = Path.Combine(dir, "memory.reclaim");
            var current = CgroupFiles.ReadLong(Path.Combine(dir, "memory.current"));
            if (current > CgroupFiles.StaleChargeBytes && File.Exists(reclaim))
            {
                try
                {
                    CgroupFiles.Write(reclaim, current);
                }
                catch (IOException)
                {
                    // EAGAIN: less could be reclaimed than asked (the launcher's own memory); done what it could.
                }
            }
            cpuBaselineUsec = CgroupFiles.ReadKey(Path.Combine(dir, "cpu.stat"), "usage_usec");
            oomBaseline = CgroupFiles.ReadKey(Path.Combine(dir, "memory.events"), "oom_kill");
            sampledPeak = 0;
            ResetPeak();
        }

        public double CpuSeconds()
        {
            if (peak is null)
            {
                sampledPeak = Math.Max(sampledPeak, CgroupFiles.ReadLong(Path.Combine(dir, "memory.current")));
            }
            return (CgroupFiles.ReadKey(Path.Combine(dir, "cpu.stat"), "usage_usec") - cpuBaselineUsec) / 1e6;
        }

        public CgroupUsage Usage()
        {
            var cpu = CpuSeconds();
            return new(cpu, peak is null ? sampledPeak : ReadPeak(peak), CgroupFiles.ReadKey(Path.Combine(dir, "memory.events"), "oom_kill") - oomBaseline);
        }

        public IReadOnlyList<int> Pids() => CgroupFiles.ReadPids(ProcsFiles[0]);

        public long PidsCurrent() => CgroupFiles.ReadLong(Path.Combine(dir, "pids.current"));

        public void KillAll()
        {
            var kill = Path.Combine(dir, "cgroup.kill");
            if (File.Exists(kill))
            {
                CgroupFiles.Write(kill, "1");
            }
            else
            {
                CgroupFiles.KillEach(Pids());
            }
        }

        public void Delete()
        {
            peak?.Dispose();
            peak = null;
            CgroupFiles.Remove(dir);
        }

        private void ResetPeak()
        {
            peak?.Dispose();
            peak = null;
            var path = Path.Combine(dir, "memory.peak");
            if (!File.Exists(path))
            {
                return;
            }
            try
            {
                var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.Write(handle, "reset\n"u8, 0);
                peak = handle;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        private static long ReadPeak(SafeFileHandle handle)
        {
            Span<byte> buffer = stackalloc byte[64];
            var n = RandomAccess.Read(handle, buffer, 0);
            return long.Parse(Encoding.ASCII.GetString(buffer[..n]).Trim(), CultureInfo.InvariantCulture);
        }
    }
}
