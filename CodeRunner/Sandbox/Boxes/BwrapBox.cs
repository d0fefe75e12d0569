using System.Runtime.Versioning;
using System.Runtime.InteropServices;
using CodeRunner.Sandbox.Bwrap;
using CodeRunner.Sandbox.Native;

namespace CodeRunner.Sandbox.Boxes;

/// <summary>
/// A fresh directory on the slot's tmpfs, root-owned while the host writes into it, handed to
/// the slot uid at the first run. After that the host never touches a path inside it again.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class BwrapBox(SandboxOptions options, SandboxSlot slot, string dir) : IBox
{
    private readonly List<string> created = [];
    private readonly SemaphoreSlim runGate = new(1, 1);
    private bool ran;
    private bool disposed;

    public string Directory => dir;

    public void WriteFile(string relativePath, ReadOnlySpan<byte> content, bool executable = false)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (ran)
        {
            throw new InvalidOperationException("files can only be written into a box before its first run");
        }
        var parts = BoxPath.Split(relativePath);
        var path = dir;
        foreach (var part in parts[..^1])
        {
            path = Path.Combine(path, part);
            if (!System.IO.Directory.Exists(path))
            {
                System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                created.Add(path);
            }
        }
        path = Path.Combine(path, parts[^1]);
        // CreateNew is O_CREAT|O_EXCL: it fails on anything already there, a symlink included.
        using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead
                | (executable ? UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : UnixFileMode.None),
        });
        file.Write(content);
        created.Add(path);
    }

    public async Task<SandboxOutcome> RunAsync(SandboxRun run, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await runGate.WaitAsync(ct);
        try
        {
            if (!ran)
            {
                HandOver();
                ran = true;
            }
            return await Task.Factory.StartNew(
                () => SandboxRunner.Run(options, slot, dir, run, ct),
                ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            runGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        await runGate.WaitAsync();
        try
        {
            await Task.Run(() =>
            {
                try
                {
                    slot.KillAndWaitEmpty();
                    SlotMount.Mount(slot.BoxMount, options.BoxSizeMb);
                }
                catch (InvalidOperationException)
                {
                    // Never hand out a box on a slot that may still hold an old one, or no cap:
                    // the repair wipes it again, or takes the slot out of service.
                    slot.NeedsRepair = true;
                }
                if (slot.NeedsRepair)
                {
                    SlotRepair.Repair(options, slot);
                }
            });
        }
        finally
        {
            runGate.Release();
            slot.Gate.Release();
        }
    }

    /// <summary>Nothing untrusted has run yet, so every path here is one we created.</summary>
    private void HandOver()
    {
        var uid = (uint)slot.Uid;
        foreach (var path in created.Prepend(dir))
        {
            if (Libc.LChown(path, uid, uid) != 0)
            {
                throw new IOException($"chown {path}: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
            }
        }
    }
}
