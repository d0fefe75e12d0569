using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace CodeRunner.Sandbox.Cgroups;

/// <summary>cgroup v2 (Ubuntu 24.04): one unified tree, root/name/slotN with memory and pids enabled.</summary>
internal sealed class CgroupV2 : ICgroupHierarchy
{
    private readonly string parent;

    public CgroupV2(string mountRoot, string name)
    {
        parent = Path.Combine(mountRoot, name);
        Directory.CreateDirectory(parent);
        // Children only get controller files when every ancestor delegates the controllers.
        CgroupFiles.Write(Path.Combine(mountRoot, "cgroup.subtree_control"), "+memory +pids");
        CgroupFiles.Write(Path.Combine(parent, "cgroup.subtree_control"), "+memory +pids");
    }

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
