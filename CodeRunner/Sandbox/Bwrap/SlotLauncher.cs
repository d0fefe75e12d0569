using System.Globalization;
using System.Runtime.InteropServices;
using CodeRunner.Sandbox.Native;
using CodeRunner.Sandbox.Seccomp;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// The long-lived launcher of one slot: a bash loop started once, already inside the slot's
/// cgroups (no per-run cgroup attach, which costs 5–15 ms when cold on v1), in an empty
/// network namespace of its own whose loopback is down (no per-run namespace create and teardown),
/// as the slot uid with no capabilities, no groups and no_new_privs (no per-run setpriv exec).
/// A run is one fork of the loop, rlimits set by builtins, and an exec of bwrap, whose sandbox
/// inherits all of the above. User strings travel only as a NUL-separated argv file read by
/// `mapfile` and exec'd as an array; the control line the host writes holds numbers only.
/// Per-run stdout, stderr and status go through FIFOs in a root-owned control folder (the host
/// opens their read ends first); stdin is a root-owned file there.
/// On cgroup v2 the launcher shares the slot's leaf cgroup with the runs, so a run is never ended
/// with cgroup.kill (it would end the launcher too): <see cref="SandboxSlot.KillRun"/> kills every
/// pid but the launcher's until the slot holds only it, and pids.max bounds what a fork bomb can
/// add meanwhile, as on v1.
/// </summary>
internal sealed unsafe class SlotLauncher : IDisposable
{
    public const int HelperProcesses = 3; // the launcher, bwrap's monitor and its pid 1 share pids.max with the program

    // Runs as root: out of reach of the slot's OOM killer (see OomScore), joins the slot's cgroups
    // (once), lifts the hard rlimits as far as it may (so the per-run builtins, unprivileged, can
    // set any value below), then execs `unshare --net setpriv ... bash -c Loop`.
    private const string Prelude = OomScore.Unkillable + """

        n=$1; shift
        while [ "$n" -gt 0 ]; do
          echo $$ >"$1" || exit 125
          n=$((n-1)); shift
        done
        for l in t f s v; do ulimit -$l unlimited 2>/dev/null; done
        exec "$@"
        """;

    // Runs as the slot uid. One control line per run: seq cpu-s fsize-blocks nofile stack-KB as-KB|unlimited stdin(0/1) merge(0/1).
    // $2: the seccomp filter's file, opened on fd 5 for bwrap (or "").
    private const string Loop = """
        ctl=$1 filter=$2
        while read -r seq cpu fsize nofile stack as stdin merge; do
          (
            exec >"$ctl/out" 3>"$ctl/status" 4>&3 || exit 125
            if [ "$merge" = 1 ]; then exec 2>&1; else exec 2>"$ctl/err" || exit 125; fi
            if [ "$stdin" = 1 ]; then exec <"$ctl/stdin" || exit 125; else exec </dev/null; fi
            if [ -n "$filter" ]; then exec 5<"$filter" || exit 125; fi
            ulimit -c 0 && ulimit -t "$cpu" && ulimit -f "$fsize" && ulimit -n "$nofile" && ulimit -s "$stack" && ulimit -v "$as" ||
              { echo "coderunner-launch: cannot set rlimits" >&2; exit 125; }
            mapfile -d '' -t argv <"$ctl/args" || exit 125
            echo ok >&3
            exec "${argv[@]}"
          ) &
          wait $!
          echo "$seq $?"
        done
        """;

    private readonly SandboxOptions options;
    private readonly int uid;
    private readonly IReadOnlyList<string> procsFiles;
    private readonly byte[] lineBuffer = new byte[256];
    private int lineLength;
    private int control = -1;
    private int status = -1;
    private long seq;

    public SlotLauncher(SandboxOptions options, int slotIndex, int uid, IReadOnlyList<string> procsFiles)
    {
        this.options = options;
        this.uid = uid;
        this.procsFiles = procsFiles;
        Directory = Path.Combine(options.BoxRoot, $"ctl{slotIndex}");
        PrepareDirectory();
    }

    /// <summary>Root-owned, group = slot gid, 0750: the launcher can open, nothing of the slot can create or replace.</summary>
    public string Directory { get; }

    public int Pid { get; private set; }

    /// <summary>Readable when the launcher reported a run's status (or died).</summary>
    public int StatusFd => status;

    public string Out => Path.Combine(Directory, "out");

    public string Err => Path.Combine(Directory, "err");

    public string Status => Path.Combine(Directory, "status");

    /// <summary>Starts the launcher if it is not running (first use, or it died).</summary>
    public void EnsureRunning()
    {
        if (Pid > 0)
        {
            int ws;
            if (Libc.WaitPid(Pid, &ws, 1 /* WNOHANG */) == 0)
            {
                return;
            }
            Orphans.Forget(Pid);
            Pid = 0;
            CloseFds();
        }
        Start();
    }

    /// <summary>Kills the launcher (it died, or a run could not talk to it); the next run starts a new one.</summary>
    public void Reset()
    {
        if (Pid > 0)
        {
            Libc.Kill(Pid, Libc.SIGKILL);
            int ws;
            Libc.WaitPid(Pid, &ws, 0);
            Orphans.Forget(Pid);
            Pid = 0;
        }
        CloseFds();
    }

    /// <summary>Writes the run's argv and stdin files, then the control line; returns the run's sequence number.</summary>
    public long Launch(IReadOnlyList<string> bwrapArgv, byte[]? stdin, string limitsLine, bool merge)
    {
        using (var args = new MemoryStream())
        {
            foreach (var arg in bwrapArgv)
            {
                args.Write(Encoding.UTF8.GetBytes(arg));
                args.WriteByte(0);
            }
            RawFile.Write(Path.Combine(Directory, "args"), args.GetBuffer().AsSpan(0, (int)args.Length));
        }
        var hasStdin = stdin is { Length: > 0 };
        RawFile.Write(Path.Combine(Directory, "stdin"), hasStdin ? stdin! : []);
        var id = ++seq;
        var line = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{id} {limitsLine} {(hasStdin ? 1 : 0)} {(merge ? 1 : 0)}\n"));
        if (RawFile.WriteAll(control, line) != line.Length)
        {
            throw new IOException($"the launcher in {Directory} did not take the run: {SandboxRunner.LastError()}");
        }
        return id;
    }

    /// <summary>
    /// Reads what the launcher wrote. Returns the exit status of run <paramref name="id"/> once
    /// reported (as a bash $?: 128+N for a signal), -1 if the launcher is gone, null if not yet.
    /// </summary>
    public int? TryReadStatus(long id)
    {
        while (true)
        {
            var newline = Array.IndexOf(lineBuffer, (byte)'\n', 0, lineLength);
            if (newline >= 0)
            {
                var text = Encoding.ASCII.GetString(lineBuffer, 0, newline).Split(' ');
                lineBuffer.AsSpan(newline + 1, lineLength - newline - 1).CopyTo(lineBuffer);
                lineLength -= newline + 1;
                if (text.Length == 2 && long.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out var got) && got == id
                    && int.TryParse(text[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                {
                    return code;
                }
                continue; // a stale line of an earlier, abandoned run
            }
            if (lineLength == lineBuffer.Length)
            {
                lineLength = 0;
            }
            nint r;
            fixed (byte* p = lineBuffer)
            {
                r = Libc.Read(status, p + lineLength, lineBuffer.Length - lineLength);
            }
            if (r > 0)
            {
                lineLength += (int)r;
                continue;
            }
            if (r < 0 && Marshal.GetLastPInvokeError() is Libc.EAGAIN)
            {
                return null;
            }
            if (r < 0 && Marshal.GetLastPInvokeError() is Libc.EINTR)
            {
                continue;
            }
            return -1;
        }
    }

    public void Dispose()
    {
        Reset();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Start()
    {
        var (controlRead, controlWrite) = Spawner.Pipe();
        var (statusRead, statusWrite) = Spawner.Pipe();
        try
        {
            Spawner.SetNonBlocking(statusRead);
            var argv = new List<string> { "sh", "-c", Prelude, "sh", Num(procsFiles.Count) };
            argv.AddRange(procsFiles);
            argv.AddRange([
                options.Unshare, "--net", "--",
                options.Setpriv,
                $"--reuid={Num(uid)}", $"--regid={Num(uid)}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
                // Tied to the spawning thread, which lives as long as the process (see LauncherThread).
                "--pdeathsig", "KILL",
                "--",
                options.LauncherShell, "-c", Loop, "bash", Directory, SyscallFilter.PathFor(options) ?? "",
            ]);
            Pid = LauncherThread.Run(() => Orphans.Spawn(() => Spawner.Spawn(options.Shell, argv, ["PATH=/usr/bin:/bin"], [controlRead, statusWrite, -1])));
            control = controlWrite;
            status = statusRead;
            lineLength = 0;
        }
        catch
        {
            Libc.Close(controlWrite);
            Libc.Close(statusRead);
            throw;
        }
        finally
        {
            Libc.Close(controlRead);
            Libc.Close(statusWrite);
        }
    }

    private void CloseFds()
    {
        if (control >= 0)
        {
            Libc.Close(control);
            control = -1;
        }
        if (status >= 0)
        {
            Libc.Close(status);
            status = -1;
        }
    }

    private void PrepareDirectory()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        System.IO.Directory.CreateDirectory(Directory);
        Own(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        foreach (var fifo in new[] { "out", "err", "status" })
        {
            var path = Path.Combine(Directory, fifo);
            if (Libc.MkFifo(path, 0x180 /* 0600 */) != 0)
            {
                throw new IOException($"mkfifo {path}: {SandboxRunner.LastError()}");
            }
            // The launcher only writes them; a program cannot reopen its output for reading.
            Own(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
        }
        foreach (var file in new[] { "args", "stdin" })
        {
            var path = Path.Combine(Directory, file);
            File.WriteAllBytes(path, []);
            Own(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }
    }

    private void Own(string path, UnixFileMode mode)
    {
        if (Libc.LChown(path, 0, (uint)uid) != 0)
        {
            throw new IOException($"chown {path}: {SandboxRunner.LastError()}");
        }
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// PR_SET_PDEATHSIG fires when the spawning THREAD exits, not the process: launchers are spawned
/// from this one thread, which lives as long as the process, so they die exactly with the worker.
/// </summary>
internal static class LauncherThread
{
    private static readonly System.Collections.Concurrent.BlockingCollection<Action> Work = Start();

    public static int Run(Func<int> spawn)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                done.SetResult(spawn());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    private static System.Collections.Concurrent.BlockingCollection<Action> Start()
    {
        var work = new System.Collections.Concurrent.BlockingCollection<Action>();
        new Thread(() =>
        {
            foreach (var action in work.GetConsumingEnumerable())
            {
                action();
            }
        })
        { IsBackground = true, Name = "sandbox launcher spawner" }.Start();
        return work;
    }
}
