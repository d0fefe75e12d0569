using System.Runtime.Versioning;
using System.Security.Cryptography;
using CodeRunner.Sandbox.Boxes;
using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Cgroups;
using CodeRunner.Sandbox.Native;
using CodeRunner.Sandbox.Seccomp;

namespace CodeRunner.Sandbox;

/// <summary>The bubblewrap + cgroups sandbox. Create() checks the machine and sets up every slot.</summary>
[SupportedOSPlatform("linux")]
internal sealed class BwrapSandbox : ISandbox, IAsyncDisposable, IDisposable
{
    private const UnixFileMode RootTraverseOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly SandboxOptions options;
    private readonly ICgroupHierarchy cgroups;
    private readonly SandboxSlot[] slots;
    private readonly Timer maintenance;
    private bool disposed;

    private BwrapSandbox(SandboxOptions options, ICgroupHierarchy cgroups, SandboxSlot[] slots)
    {
        this.options = options;
        this.cgroups = cgroups;
        this.slots = slots;
        var every = TimeSpan.FromSeconds(Math.Max(0.1, options.MaintenanceSeconds));
        maintenance = new Timer(_ => Maintain(), null, every, every);
    }

    public int Slots => slots.Length;

    public IReadOnlyList<string?> SlotProblems => slots.Select(s => s.Problem).ToArray();

    public string CgroupVersion => cgroups.Version;

    internal SandboxSlot SlotAt(int index) => slots[index];

    public static BwrapSandbox Create(SandboxOptions options)
    {
        Preflight(options);
        // Orphans of bwrap (its pid 1, its monitor) must come to us to be reaped; see Native/Orphans.
        if (Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        {
            throw new InvalidOperationException("prctl(PR_SET_CHILD_SUBREAPER) failed");
        }
        var cgroups = CgroupDetection.Open(options.Cgroup, options.CgroupName);
        PrepareBoxRoot(options.BoxRoot);
        if (SyscallFilter.PathFor(options) is { } filter)
        {
            SyscallFilter.Write(filter);
        }
        var slots = new SandboxSlot[options.EffectiveSlots];
        for (var i = 0; i < slots.Length; i++)
        {
            var mount = Path.Combine(options.BoxRoot, $"slot{i}");
            Directory.CreateDirectory(mount, RootTraverseOnly);
            SlotMount.Mount(mount, options.BoxSizeMb);
            slots[i] = new SandboxSlot(i, options.UidBase + i, cgroups, mount);
            // A worker killed with SIGKILL leaves its runs behind in the slot cgroups (on v1 they are
            // outside the service's cgroup, so systemd does not end them): the next worker ends them.
            slots[i].KillAndWaitEmpty();
            if (options.Launcher)
            {
                slots[i].Launcher = new SlotLauncher(options, i, options.UidBase + i, slots[i].Cgroup.ProcsFiles);
            }
        }
        var sandbox = new BwrapSandbox(options, cgroups, slots);
        if (options.SelfTest)
        {
            sandbox.SelfTest();
        }
        return sandbox;
    }

    public async ValueTask<IBox> CreateBoxAsync(int slot, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, slots.Length);
        var s = slots[slot];
        await s.Gate.WaitAsync(ct);
        try
        {
            if (s.Problem is { } problem)
            {
                throw new InvalidOperationException($"sandbox slot {slot} is out of service: {problem}");
            }
            var dir = Path.Combine(s.BoxMount, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return new BwrapBox(options, s, dir);
        }
        catch
        {
            s.Gate.Release();
            throw;
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        using (var stopped = new ManualResetEvent(false))
        {
            if (maintenance.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }
        foreach (var slot in slots)
        {
            slot.Launcher?.Dispose();
            slot.Launcher = null;
            slot.KillAndWaitEmpty();
            slot.Cgroup.Delete();
            SlotMount.Unmount(slot.BoxMount);
            TryDeleteDirectory(slot.BoxMount);
        }
        cgroups.DeleteParent();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Preflight(SandboxOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the sandbox needs Linux (bubblewrap, cgroups)");
        }
        if (Libc.GetEuid() != 0)
        {
            throw new InvalidOperationException("the sandbox must run as root: it manages cgroups, mounts box tmpfs and switches to per-slot uids");
        }
        Require(options.Bwrap, "bubblewrap not found at {0}: apt-get install bubblewrap (or set Sandbox:Bwrap)");
        Require(options.Setpriv, "setpriv not found at {0}: apt-get install util-linux (or set Sandbox:Setpriv)");
        Require(options.Shell, "shell not found at {0} (set Sandbox:Shell)");
        Require(options.Perl, "perl not found at {0}: apt-get install perl-base (or set Sandbox:Perl)");
        if (options.Launcher)
        {
            Require(options.Unshare, "unshare not found at {0}: apt-get install util-linux (or set Sandbox:Unshare)");
            Require(options.LauncherShell, "bash not found at {0}: apt-get install bash (or set Sandbox:LauncherShell, or Sandbox:Launcher=false)");
        }
        if (options.UidBase <= 0)
        {
            throw new InvalidOperationException("Sandbox:UidBase must be a positive uid: programs never run as root");
        }
    }

    private static void Require(string path, string message)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path));
        }
    }

    private static void PrepareBoxRoot(string boxRoot)
    {
        var info = new DirectoryInfo(boxRoot);
        if (info.LinkTarget is not null)
        {
            throw new InvalidOperationException($"Sandbox:BoxRoot {boxRoot} must not be a symlink");
        }
        Directory.CreateDirectory(boxRoot);
        if (Libc.LChown(boxRoot, 0, 0) != 0)
        {
            throw new InvalidOperationException($"cannot chown Sandbox:BoxRoot {boxRoot} to root");
        }
        File.SetUnixFileMode(boxRoot, RootTraverseOnly);
    }

    private void SelfTest()
    {
        try
        {
            var outcome = Task.Run(async () =>
            {
                await using var box = await CreateBoxAsync(0, CancellationToken.None);
                // The repair's self-test, with a more generous wall clock: a broken sandbox fails at
                // once anyway; only a start on a loaded or emulated machine (seconds for the first
                // bwrap) needs it.
                return await box.RunAsync(new SandboxRun(["/usr/bin/true"], null, SlotRepair.SelfTestLimits with { WallTime = 60 }), CancellationToken.None);
            }).GetAwaiter().GetResult();
            if (outcome is not { Termination: SandboxTermination.Exited, ExitCode: 0 })
            {
                throw new InvalidOperationException(SelfTestFailure.Describe(options, outcome));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// On a timer: reaps what runs orphaned, and rebuilds every idle slot that cannot run or whose
    /// pids stay charged (<see cref="SlotRepair"/>); a busy slot is checked after its run anyway.
    /// </summary>
    private void Maintain()
    {
        Orphans.Reap(options.UidBase, slots.Length);
        foreach (var slot in slots)
        {
            if (disposed || !slot.Gate.Wait(0))
            {
                continue;
            }
            try
            {
                if (!disposed && (slot.NeedsRepair || slot.Problem is not null || !Settled(slot)))
                {
                    SlotRepair.Repair(options, slot);
                }
            }
            catch (Exception e)
            {
                // A timer callback that throws ends the process; a slot that cannot be checked cannot run.
                slot.Problem = $"slot {slot.Index} could not be checked: {e.Message}";
            }
            finally
            {
                slot.Gate.Release();
            }
        }
    }

    private static bool Settled(SandboxSlot slot)
    {
        try
        {
            return slot.Settle(TimeSpan.Zero);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
