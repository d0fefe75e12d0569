using CodeRunner.Sandbox.Boxes;
using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Native;

namespace CodeRunner.Sandbox;

/// <summary>
/// Rebuilds a slot a run may have left unable to run (red team 2026-12-02: zombies filled pids.max
/// and every later run ended "bwrap: Can't fork"): a new launcher, leftovers killed and reaped, the
/// cgroup recreated when pids stay charged to it, a fresh box tmpfs, then /usr/bin/true in it. A
/// slot that still cannot run that is out of service (<see cref="SandboxSlot.Problem"/>) until a
/// later repair succeeds. The caller holds the slot's gate.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SlotRepair
{
    internal static readonly SandboxLimits SelfTestLimits = new(10, 1, 10, 64 * 1024, 8192, 8, 64);

    public static void Repair(SandboxOptions options, SandboxSlot slot)
    {
        string? problem;
        slot.NeedsRepair = false;
        try
        {
            slot.Launcher?.Reset();
            slot.KillAndWaitEmpty();
            if (!slot.Settle(TimeSpan.FromSeconds(1)))
            {
                slot.RecreateCgroup();
            }
            SlotMount.Mount(slot.BoxMount, options.BoxSizeMb);
            problem = SelfTest(options, slot);
            SlotMount.Mount(slot.BoxMount, options.BoxSizeMb);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            problem = e.Message;
        }
        slot.Problem = problem is null ? null : $"slot {slot.Index} cannot run /usr/bin/true: {problem}";
    }

    /// <summary>Null when /usr/bin/true ran and exited 0 in the slot, else what happened.</summary>
    private static string? SelfTest(SandboxOptions options, SandboxSlot slot)
    {
        var dir = Path.Combine(slot.BoxMount, "self-test");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (Libc.LChown(dir, (uint)slot.Uid, (uint)slot.Uid) != 0)
        {
            return $"chown {dir}: {SandboxRunner.LastError()}";
        }
        var outcome = SandboxRunner.Run(options, slot, dir, new SandboxRun(["/usr/bin/true"], null, SelfTestLimits), CancellationToken.None);
        return outcome is { Termination: SandboxTermination.Exited, ExitCode: 0 }
            ? null
            : $"{outcome.Termination} exit {outcome.ExitCode} {outcome.Message} {Encoding.UTF8.GetString(outcome.Stderr).Trim()}".Trim();
    }
}
