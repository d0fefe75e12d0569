namespace CodeRunner.Judge.Worker;

/// <summary>The "Worker" configuration section.</summary>
public sealed class WorkerOptions
{
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>Deliveries of one job before it is dead-lettered (status 13) instead of run again.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a stopping worker lets running jobs finish before handing them back.</summary>
    public int StopGraceSeconds { get; set; } = 20;

    /// <summary>Memory for builds kept to reuse for identical submissions (see CompileCache); 0 turns it off.</summary>
    public int CompileCacheMb { get; set; } = 256;
}
