using System.Runtime.InteropServices;

namespace CodeRunner.Tests.Support;

/// <summary>
/// What a worker killed with SIGKILL cannot clean up itself: its slots' tmpfs mounts, its cgroups,
/// and a sandboxed process that outlived it in a slot cgroup (an orphaned bwrap can race its
/// die-with-parent). Tests that kill workers remove them, so runs do not pile them up.
/// </summary>
internal static partial class HostLeftovers
{
    public static void Remove(string directory, IEnumerable<string> cgroupNames)
    {
        foreach (var mountPoint in MountPointsUnder(directory).OrderByDescending(m => m.Length))
        {
            _ = Umount2(mountPoint, 2 /* MNT_DETACH */);
        }
        foreach (var name in cgroupNames)
        {
            foreach (var hierarchy in Directory.Exists("/sys/fs/cgroup") ? Directory.GetDirectories("/sys/fs/cgroup") : [])
            {
                var group = Path.Combine(hierarchy, name);
                if (!Directory.Exists(group))
                {
                    continue;
                }
                // cgroupfs directories are removed with rmdir, children first; their files go with them.
                foreach (var child in Directory.GetDirectories(group).Append(group))
                {
                    KillMembers(child);
                    try
                    {
                        Directory.Delete(child);
                    }
                    catch (IOException)
                    {
                    }
                }
            }
        }
    }

    private static void KillMembers(string cgroup)
    {
        var procs = Path.Combine(cgroup, "cgroup.procs");
        if (!File.Exists(procs))
        {
            return;
        }
        var pids = File.ReadAllLines(procs).Select(int.Parse).ToList();
        pids.ForEach(pid => Health.Signal(pid, Health.SigKill));
        // rmdir fails while a member is still a zombie waiting for init to reap it.
        for (var i = 0; i < 50 && pids.Count > 0 && File.ReadAllText(procs).Trim().Length > 0; i++)
        {
            Thread.Sleep(20);
        }
    }

    private static IEnumerable<string> MountPointsUnder(string directory) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " "))
            .Where(point => point.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal))
            .Distinct();

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Umount2(string target, int flags);
}
