namespace CodeRunner.Sandbox;

/// <summary>
/// Runs untrusted programs. A box is a fresh working directory bound to one worker slot (its own
/// unprivileged uid and cgroups); one run at a time per slot. The box is wiped when disposed.
/// </summary>
public interface ISandbox
{
    /// <summary>Number of slots this sandbox was configured with.</summary>
    int Slots { get; }

    /// <summary>Per slot, why it cannot run programs (it refuses boxes until repaired); null for a slot that can.</summary>
    IReadOnlyList<string?> SlotProblems { get; }

    ValueTask<IBox> CreateBoxAsync(int slot, CancellationToken ct);
}

public interface IBox : IAsyncDisposable
{
    /// <summary>
    /// Writes a file into the box. Allowed only before the first run (nothing untrusted has
    /// touched the box yet, so no path in it can be a planted symlink). Names are relative,
    /// without "..", and parent folders are created as needed.
    /// </summary>
    void WriteFile(string relativePath, ReadOnlySpan<byte> content, bool executable = false);

    /// <summary>Runs one program inside the box. The working directory is the box.</summary>
    Task<SandboxOutcome> RunAsync(SandboxRun run, CancellationToken ct);
}

/// <param name="Argv">Program and arguments, passed as argv (never through a shell). Argv[0] is an absolute path or relative to the box.</param>
/// <param name="Stdin">Bytes for standard input; null means /dev/null.</param>
/// <param name="Environment">The whole environment of the program (it inherits nothing).</param>
/// <param name="ReadOnlyPaths">Extra host paths bound read-only at the same place (e.g. /etc/java-17-openjdk).</param>
public sealed record SandboxRun(
    IReadOnlyList<string> Argv,
    byte[]? Stdin,
    SandboxLimits Limits,
    bool RedirectStderrToStdout = false,
    IReadOnlyDictionary<string, string>? Environment = null,
    IReadOnlyList<string>? ReadOnlyPaths = null);

/// <param name="CpuTime">Reported as Time Limit Exceeded above this (seconds, all processes).</param>
/// <param name="ExtraCpuTime">Killed only at CpuTime + ExtraCpuTime.</param>
/// <param name="PerProcessTimeLimit">Judge0's enable_per_process_and_thread_time_limit: CPU limit per process (rlimit) instead of for the whole run.</param>
/// <param name="PerProcessMemoryLimit">Judge0's enable_per_process_and_thread_memory_limit: MemoryKb is an address-space rlimit per process, and the cgroup holds the whole run at TotalMemoryKb.</param>
/// <param name="MaxFileSizeKb">Largest file the program may write (rlimit), and the stdout/stderr bytes kept.</param>
/// <param name="OutputCapKb">The stdout/stderr bytes kept when that is less than the largest file (a compiler's binaries may be big, its messages not).</param>
/// <param name="TotalMemoryKb">With PerProcessMemoryLimit, what every process of the run may use together (the slot cgroup's limit; the worker passes Judge0's MAX_MEMORY_LIMIT); null means MemoryKb. Without it, MemoryKb is that total.</param>
public sealed record SandboxLimits(
    double CpuTime,
    double ExtraCpuTime,
    double WallTime,
    long MemoryKb,
    long StackKb,
    int MaxProcesses,
    long MaxFileSizeKb,
    bool PerProcessTimeLimit = false,
    bool PerProcessMemoryLimit = false,
    int MaxOpenFiles = 256,
    long? OutputCapKb = null,
    long? TotalMemoryKb = null)
{
    public long OutputBytes => Math.Min(MaxFileSizeKb, OutputCapKb ?? MaxFileSizeKb) * 1024;
}

public enum SandboxTermination
{
    /// <summary>Exited on its own; see ExitCode.</summary>
    Exited,
    /// <summary>Killed by a signal it did not get from the sandbox; see Signal.</summary>
    Signaled,
    /// <summary>CPU time over CpuTime + ExtraCpuTime (killed) or over CpuTime at exit.</summary>
    CpuTimeLimit,
    /// <summary>Still running at the wall-time limit; killed.</summary>
    WallTimeLimit,
    /// <summary>The memory cgroup killed it (out of memory inside its limit).</summary>
    MemoryLimit,
    /// <summary>Wrote more than MaxFileSizeKb to stdout or stderr; killed.</summary>
    OutputLimit,
    /// <summary>The program could not be executed (not a valid executable).</summary>
    ExecFormatError,
    /// <summary>The sandbox itself failed; Message says why.</summary>
    InternalError,
}

/// <param name="Time">CPU seconds (user + system) of every process of the run.</param>
/// <param name="WallTime">Seconds from start to the last process gone.</param>
/// <param name="MemoryKb">Peak memory of the run in KB.</param>
public sealed record SandboxOutcome(
    SandboxTermination Termination,
    int? ExitCode,
    int? Signal,
    double Time,
    double WallTime,
    long MemoryKb,
    byte[] Stdout,
    byte[] Stderr,
    string? Message);
