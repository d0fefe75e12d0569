using CodeRunner.Sandbox;

namespace CodeRunner.Judge.Worker;

/// <summary>The "Worker" configuration section.</summary>
public sealed class WorkerOptions
{
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>Judge0's MAX_EXTRACT_SIZE for additional_files, in KB.</summary>
    public long MaxExtractSizeKb { get; set; } = 10240;

    /// <summary>How long a stopping worker lets running jobs finish before handing them back.</summary>
    public int StopGraceSeconds { get; set; } = 20;

    /// <summary>Compilation runs under Judge0's maximum limits, with stdin from /dev/null.</summary>
    public SandboxLimits CompileLimits { get; set; } = new(
        CpuTime: 15, ExtraCpuTime: 5, WallTime: 20, MemoryKb: 512000, StackKb: 128000,
        MaxProcesses: 120, MaxFileSizeKb: 65536);
}
