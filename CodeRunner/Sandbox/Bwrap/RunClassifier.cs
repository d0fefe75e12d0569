using CodeRunner.Sandbox.Cgroups;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>What happened to a run, from what the host observed (never from files in the box).</summary>
internal static class RunClassifier
{
    public const int SigKill = 9;
    public const int SigXcpu = 24;

    internal sealed record Observed(
        bool Launched,
        int? ExitCode,
        int? Signal,
        SandboxTermination? KilledFor,
        CgroupUsage Usage,
        string Diagnostics);

    /// <summary>
    /// bwrap's pid 1 reports a child killed by signal N as exit code 128+N (there is no other
    /// channel: --json-status-fd carries the same number), so 129..192 are read as signals.
    /// </summary>
    public static (SandboxTermination Termination, int? ExitCode, int? Signal, string? Message) Classify(Observed o, SandboxLimits limits)
    {
        if (!o.Launched)
        {
            return (SandboxTermination.InternalError, null, null, $"sandbox launch failed: {FirstLine(o.Diagnostics)}");
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
        if (!limits.PerProcessTimeLimit && o.Usage.CpuSeconds > limits.CpuTime)
        {
            return (SandboxTermination.CpuTimeLimit, o.ExitCode, o.Signal, "Time limit exceeded");
        }
        if (o.Signal is { } outerSignal)
        {
            // bwrap itself was killed, not by us: only an outside kill or its own OOM does that.
            return (SandboxTermination.InternalError, null, outerSignal, $"sandbox process killed by signal {outerSignal}");
        }
        var code = o.ExitCode ?? 0;
        if (code == 1 && o.Diagnostics.StartsWith("bwrap: ", StringComparison.Ordinal))
        {
            var line = FirstLine(o.Diagnostics);
            if (line.StartsWith("bwrap: execvp ", StringComparison.Ordinal))
            {
                return line.EndsWith("Exec format error", StringComparison.Ordinal)
                    ? (SandboxTermination.ExecFormatError, null, null, "Exec format error")
                    : (SandboxTermination.Exited, 127, null, line);
            }
            return (SandboxTermination.InternalError, null, null, line);
        }
        if (code != 0 && o.Diagnostics.StartsWith("setpriv: ", StringComparison.Ordinal))
        {
            return (SandboxTermination.InternalError, null, null, FirstLine(o.Diagnostics));
        }
        if (code is > 128 and <= 128 + 64)
        {
            var signal = code - 128;
            return limits.PerProcessTimeLimit && signal is SigXcpu or SigKill
                ? (SandboxTermination.CpuTimeLimit, null, signal, "Time limit exceeded")
                : (SandboxTermination.Signaled, null, signal, null);
        }
        return (SandboxTermination.Exited, code, null, null);
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 500 ? line[..500] : line;
    }
}
