using System.Runtime.InteropServices;
using CodeRunner.Sandbox.Cgroups;
using CodeRunner.Sandbox.Native;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// One run, on one thread: spawns the launcher, then a single poll loop feeds stdin, drains
/// stdout/stderr into capped buffers, watches the child's pidfd and enforces wall and CPU time.
/// </summary>
internal static unsafe class SandboxRunner
{
    private const int HelperProcesses = 2; // bwrap's monitor and its pid 1 share pids.max with the program

    public static SandboxOutcome Run(SandboxOptions options, SandboxSlot slot, string boxDir, SandboxRun run, CancellationToken ct)
    {
        if (run.Argv.Count == 0)
        {
            throw new ArgumentException("argv must not be empty");
        }
        var limits = run.Limits;
        var launcher = slot.Launcher;
        var bwrap = BwrapArguments.Build(options, boxDir, run, inLauncherNetns: launcher is not null);
        // Per-process limits bound each process; the run as a whole never gets more than its total.
        var memoryBytes = (limits.PerProcessMemoryLimit ? limits.TotalMemoryKb ?? limits.MemoryKb : limits.MemoryKb) * 1024;
        try
        {
            Orphans.Reap(slot.Uid, 1);
            slot.KillAndWaitEmpty();
            slot.Cgroup.Prepare(memoryBytes, limits.MaxProcesses + (launcher is null ? HelperProcesses : SlotLauncher.HelperProcesses));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            slot.NeedsRepair = true;
            return Failed($"cannot prepare the cgroups of slot {slot.Index}: {e.Message}");
        }

        RunIo io;
        var clock = Stopwatch.StartNew();
        var pid = 0;
        long runId = 0;
        int pidfd;
        if (launcher is null)
        {
            io = new RunIo(run, limits.OutputBytes);
            try
            {
                var argv = LaunchCommand.Build(options, slot.Uid, slot.Cgroup.ProcsFiles, limits, bwrap);
                pid = Orphans.Spawn(() => Spawner.Spawn(options.Shell, argv, ["PATH=/usr/bin:/bin"], io.ChildFds));
            }
            catch (IOException e)
            {
                io.Dispose();
                return Failed(e.Message);
            }
            finally
            {
                io.CloseChildEnds();
            }
            pidfd = Libc.PidfdOpen(pid);
        }
        else
        {
            RunIo? opened = null;
            try
            {
                launcher.EnsureRunning();
                opened = new RunIo(launcher, run, limits.OutputBytes);
                runId = launcher.Launch(bwrap, run.Stdin, string.Join(' ', LaunchCommand.Rlimits(limits, fsizeBlock: 1024)), run.RedirectStderrToStdout);
            }
            catch (IOException e)
            {
                opened?.Dispose();
                launcher.Reset();
                return Failed(e.Message);
            }
            io = opened;
            pidfd = launcher.StatusFd;
        }
        SandboxTermination? killedFor = null;
        int? waitStatus = null;
        var lastCpuCheck = TimeSpan.Zero;
        var exitedAt = TimeSpan.Zero;
        var canceled = false;
        void KillAll(SandboxTermination? reason)
        {
            killedFor ??= reason;
            if (launcher is null)
            {
                Libc.Kill(pid, Libc.SIGKILL);
            }
            slot.KillRun();
        }

        try
        {
            while (true)
            {
                var now = clock.Elapsed;
                if (waitStatus is not null && (io.AllClosed || now - exitedAt > TimeSpan.FromSeconds(2)))
                {
                    break;
                }
                var timeout = waitStatus is not null
                    ? 50
                    : (int)Math.Clamp(Math.Min(options.PollIntervalMs, (limits.WallTime - now.TotalSeconds) * 1000 + 1), 1, options.PollIntervalMs);
                if (pidfd < 0)
                {
                    timeout = Math.Min(timeout, 5);
                }
                io.Poll(waitStatus is null ? pidfd : -1, timeout, out var childExited);

                if (io.OutputOverflowed && killedFor is null && waitStatus is null)
                {
                    KillAll(SandboxTermination.OutputLimit);
                }
                if (waitStatus is null && launcher is not null && childExited)
                {
                    var code = launcher.TryReadStatus(runId);
                    if (code is { } c)
                    {
                        // bash's $? of bwrap: its exit code (128+N when a signal ended it).
                        waitStatus = c >= 0 ? (c & 0xff) << 8 : Libc.SIGKILL;
                        if (c < 0)
                        {
                            launcher.Reset();
                        }
                        exitedAt = clock.Elapsed;
                        slot.KillRun();
                        continue;
                    }
                }
                else if (launcher is null && waitStatus is null && (childExited || pidfd < 0))
                {
                    int status;
                    var flags = childExited ? 0 : 1; // WNOHANG when polling without a pidfd
                    var r = Libc.WaitPid(pid, &status, flags);
                    if (r == pid)
                    {
                        Orphans.Forget(pid);
                        waitStatus = status;
                        exitedAt = clock.Elapsed;
                        io.CloseStdin();
                        // Whatever the program left behind dies with it; the pipes then reach EOF.
                        slot.KillRun();
                        continue;
                    }
                }
                if (waitStatus is not null)
                {
                    continue;
                }
                now = clock.Elapsed;
                if (ct.IsCancellationRequested && !canceled)
                {
                    canceled = true;
                    KillAll(SandboxTermination.InternalError);
                }
                if (now.TotalSeconds >= limits.WallTime)
                {
                    KillAll(SandboxTermination.WallTimeLimit);
                }
                else if (now - lastCpuCheck >= TimeSpan.FromMilliseconds(options.PollIntervalMs))
                {
                    lastCpuCheck = now;
                    if (!limits.PerProcessTimeLimit && slot.Cgroup.CpuSeconds() > limits.CpuTime + limits.ExtraCpuTime)
                    {
                        KillAll(SandboxTermination.CpuTimeLimit);
                    }
                }
            }
            slot.KillAndWaitEmpty();
            ReapInit(slot);
            if (launcher is not null)
            {
                io.DrainAll();
            }
        }
        finally
        {
            if (launcher is not null)
            {
                if (waitStatus is null)
                {
                    // Only if the loop threw: the launcher may not even have forked this run yet, so
                    // it goes too (the next run starts a new one) and then everything in the slot.
                    launcher.Reset();
                    slot.KillRun();
                }
            }
            else if (pidfd >= 0)
            {
                Libc.Close(pidfd);
            }
            if (launcher is null && waitStatus is null)
            {
                // Only if the loop threw: never leave a zombie or a running launcher behind.
                Libc.Kill(pid, Libc.SIGKILL);
                int status;
                Libc.WaitPid(pid, &status, 0);
                Orphans.Forget(pid);
            }
            io.Dispose();
        }
        var wall = clock.Elapsed.TotalSeconds;
        ct.ThrowIfCancellationRequested();

        var usage = slot.Cgroup.Usage();
        var (stdout, stderr) = io.Results();
        var ws = waitStatus!.Value;
        var termSignal = ws & 0x7f;
        var observed = new RunClassifier.Observed(
            io.Launched,
            termSignal == 0 ? (ws >> 8) & 0xff : null,
            termSignal != 0 ? termSignal : null,
            io.Reaper,
            killedFor,
            usage,
            run.Argv[0],
            Encoding.UTF8.GetString(run.RedirectStderrToStdout ? stdout.AsSpan(0, Math.Min(stdout.Length, 4096)) : stderr.AsSpan(0, Math.Min(stderr.Length, 4096))));
        var (termination, exitCode, signal, message) = RunClassifier.Classify(observed, limits);
        if (termination == SandboxTermination.InternalError && !io.Reaper.Ready)
        {
            // The sandbox could not even start its pid 1 ("bwrap: Can't fork"...): check the slot before its next box.
            slot.NeedsRepair = true;
        }
        return new SandboxOutcome(termination, exitCode, signal, usage.CpuSeconds, wall, usage.PeakBytes / 1024, stdout, stderr, message);
    }

    /// <summary>
    /// bwrap's pid 1 (the reaper, with --as-pid-1) is its monitor's child and normally reaped by
    /// it; should the monitor end first (it dies on errors, or was the OOM killer's pick before the
    /// helpers were made unkillable), the orphan comes to us, the worker being a child subreaper,
    /// and so does the monitor if the launcher died. Unreaped they would stay zombies charged to the
    /// slot's pids.max. Reaped with every other orphan of the slot uid (never by a blocking waitpid of
    /// a pid we did not spawn, which could by then be someone else's); if pids stay charged, the
    /// slot is rebuilt before its next box.
    /// </summary>
    private static void ReapInit(SandboxSlot slot)
    {
        try
        {
            slot.NeedsRepair |= !slot.Settle(TimeSpan.FromSeconds(2));
        }
        catch (IOException)
        {
            slot.NeedsRepair = true;
        }
    }

    private static SandboxOutcome Failed(string message) =>
        new(SandboxTermination.InternalError, null, null, 0, 0, 0, [], [], message);

    internal static string LastError() => Libc.ErrorText(Marshal.GetLastPInvokeError());
}
