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
    private bool disposed;

    private BwrapSandbox(SandboxOptions options, ICgroupHierarchy cgroups, SandboxSlot[] slots)
    {
        this.options = options;
        this.cgroups = cgroups;
        this.slots = slots;
    }

    public int Slots => slots.Length;

    public string CgroupVersion => cgroups.Version;

    public static BwrapSandbox Create(SandboxOptions options)
    {
        Preflight(options);
        // Orphans of bwrap (its pid 1) must come to us to be reaped; see SandboxRunner.ReapInit.
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
            slots[i] = new SandboxSlot(i, options.UidBase + i, cgroups.Slot(i), mount);
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
            if (s.Broken)
            {
                throw new InvalidOperationException($"sandbox slot {slot} failed to wipe its previous box and is out of service");
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

    /// <summary>What to check, from what bwrap said.</summary>
    private string SelfTestHint(string stderr) => stderr.Contains("Permission denied", StringComparison.Ordinal)
        ? $"(bwrap runs as the slot's uid: every folder above Sandbox:BoxRoot ({options.BoxRoot}) must be searchable by others, chmod o+x)"
        : "(bubblewrap needs unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces>0)";

    private void SelfTest()
    {
        try
        {
            var outcome = Task.Run(async () =>
            {
                await using var box = await CreateBoxAsync(0, CancellationToken.None);
                // Generous clocks: a broken sandbox fails at once anyway; only a start on a loaded
                // or emulated machine (seconds for the first bwrap) needs them.
                return await box.RunAsync(new SandboxRun(["/usr/bin/true"], null, new SandboxLimits(10, 1, 60, 64 * 1024, 8192, 8, 64)), CancellationToken.None);
            }).GetAwaiter().GetResult();
            if (outcome is not { Termination: SandboxTermination.Exited, ExitCode: 0 })
            {
                throw new InvalidOperationException(
                    $"sandbox self-test (/usr/bin/true in slot 0) ended {outcome.Termination} exit {outcome.ExitCode}: " +
                    $"{outcome.Message} {Encoding.UTF8.GetString(outcome.Stderr).Trim()} " + SelfTestHint(Encoding.UTF8.GetString(outcome.Stderr)));
            }
        }
        catch
        {
            Dispose();
            throw;
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
