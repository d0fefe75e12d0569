using System.Diagnostics;
using CodeRunner.Sandbox;
using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Cgroups;

namespace CodeRunner.Tests.Judge;

/// <summary>
/// As the attack's zombies did: processes the slot's pids.max counts (pids.current is
/// hierarchical) that no kill or reap of the worker reaches, held in a child cgroup of the slot,
/// so many that bwrap can no longer fork its pid 1 ("bwrap: Can't fork for pid 1" or, with the
/// launcher's network namespace, "Creating new namespace failed": EAGAIN either way). Disposing
/// ends them and removes the child cgroups.
/// </summary>
internal sealed class SlotHold : IDisposable
{
    private readonly List<Process> held = [];
    private readonly List<string> holds;

    private SlotHold(string cgroupName)
    {
        holds = CgroupDetection.Open("auto", cgroupName).Slot(0).ProcsFiles
            .Select(p => Path.Combine(Path.GetDirectoryName(p)!, "hold")).ToList();
    }

    public static SlotHold Fill(string cgroupName)
    {
        var hold = new SlotHold(cgroupName);
        try
        {
            for (var i = 0; i < SlotRepair.SelfTestLimits.MaxProcesses + SlotLauncher.HelperProcesses - 2; i++)
            {
                hold.held.Add(Process.Start("sleep", "600"));
            }
            foreach (var folder in hold.holds)
            {
                Directory.CreateDirectory(folder);
                foreach (var process in hold.held)
                {
                    File.WriteAllText(Path.Combine(folder, "cgroup.procs"), process.Id.ToString());
                }
            }
            return hold;
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var process in held)
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
        foreach (var folder in holds.Where(Directory.Exists))
        {
            Directory.Delete(folder);
        }
    }
}
