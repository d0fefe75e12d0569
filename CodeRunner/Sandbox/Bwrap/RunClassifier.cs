using CodeRunner.Sandbox.Cgroups;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// What happened to a run, from what the sandbox observed: the host's own kills, the cgroup's
/// counters, the launcher's and the reaper's reports on a channel the program cannot write, and the
/// wait status of the launched process. Never from the program's output or exit code conventions
/// (exit 139 is exit code 139, not SIGSEGV); its stderr is read only when it provably never ran.
/// </summary>
internal static class RunClassifier
{
    public const int SigKill = 9;
    public const int SigXcpu = 24;
    private const int ENOEXEC = 8;

    /// <param name="Launched">The launcher reported "ok" just before it ran bwrap.</param>
    /// <param name="ExitCode">Exit code of the launched process (bwrap's, which is the reaper's).</param>
    /// <param name="Signal">Signal that ended the launched process, when the host saw one.</param>
    /// <param name="Program">argv[0] of the program, for messages.</param>
    /// <param name="Diagnostics">The run's stderr: believed only while <see cref="ReaperReport.Ready"/> is false.</param>
    internal sealed record Observed(
        bool Launched,
        int? ExitCode,
        int? Signal,
        ReaperReport Reaper,
        SandboxTermination? KilledFor,
        CgroupUsage Usage,
        string Program,
        string Diagnostics);

    public static (SandboxTermination Termination, int? ExitCode, int? Signal, string? Message) Classify(Observed o, SandboxLimits limits)
    {
        if (!o.Launched)
        {
            return (SandboxTermination.InternalError, null, null, $"sandbox launch failed: {Said(o)}");
        }
        if (o.KilledFor == SandboxTermination.OutputLimit)
        {
            return (SandboxTermination.OutputLimit, null, null, "Output limit exceeded");
        }
        if (o.Usage.OomKills > 0)
        {
            return (SandboxTermination.MemoryLimit, null, SigKill, "Memory limit exceeded");
        }
        if (o.KilledFor is { } reason)
        {
            return (reason, null, SigKill, reason == SandboxTermination.WallTimeLimit ? "Wall time limit exceeded" : "Time limit exceeded");
        }
        var (exitCode, signal) = Decode(o.Reaper.WaitStatus);
        if (!limits.PerProcessTimeLimit && o.Usage.CpuSeconds > limits.CpuTime)
        {
            return (SandboxTermination.CpuTimeLimit, exitCode, signal, "Time limit exceeded");
        }
        if (o.Signal is { } outerSignal)
        {
            // bwrap itself was killed, not by us: only an outside kill or its own OOM does that.
            return (SandboxTermination.InternalError, null, outerSignal, $"sandbox process killed by signal {outerSignal}");
        }
        if (!o.Reaper.Ready)
        {
            // Nothing untrusted ran: whatever is on stderr is the launcher's, bwrap's or perl's.
            return (SandboxTermination.InternalError, null, null, $"sandbox setup failed: {Said(o)}");
        }
        if (o.Reaper.StartErrno is { } startErrno)
        {
            return (SandboxTermination.InternalError, null, null, $"cannot start the program: {Native.Libc.ErrorText(startErrno)}");
        }
        if (o.Reaper.ExecErrno is { } execErrno)
        {
            return execErrno == ENOEXEC
                ? (SandboxTermination.ExecFormatError, null, null, "Exec format error")
                : (SandboxTermination.Exited, 127, null, $"cannot execute {Shorten(o.Program)}: {Native.Libc.ErrorText(execErrno)}");
        }
        if (o.Reaper.WaitStatus is null)
        {
            // The reaper ended without a report and we did not end it: something in the run did.
            return (SandboxTermination.InternalError, null, null, "the sandbox's reaper ended without reporting the program's status");
        }
        if (signal is { } s)
        {
            return limits.PerProcessTimeLimit && s is SigXcpu or SigKill
                ? (SandboxTermination.CpuTimeLimit, null, s, "Time limit exceeded")
                : (SandboxTermination.Signaled, null, s, null);
        }
        return (SandboxTermination.Exited, exitCode, null, null);
    }

    /// <summary>A wait status: exit code, or the signal that ended the process.</summary>
    private static (int? ExitCode, int? Signal) Decode(int? waitStatus) => waitStatus switch
    {
        null => (null, null),
        { } ws when (ws & 0x7f) != 0 => (null, ws & 0x7f),
        { } ws => ((ws >> 8) & 0xff, null),
    };

    private static string Said(Observed o)
    {
        var line = o.Diagnostics.Split('\n', 2)[0].Trim();
        return line.Length > 0 ? Shorten(line) : $"exit code {o.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}";
    }

    private static string Shorten(string text) => text.Length > 500 ? text[..500] : text;
}
