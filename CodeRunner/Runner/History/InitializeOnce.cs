namespace CodeRunner.Runner.History;

/// <summary>Runs an initialization once per instance however many callers race for it; a failure lets the next caller retry.</summary>
internal sealed class InitializeOnce(Func<CancellationToken, Task> initialize)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile bool done;

    public async Task EnsureAsync(CancellationToken ct)
    {
        if (done)
        {
            return;
        }
        await gate.WaitAsync(ct);
        try
        {
            if (!done)
            {
                await initialize(ct);
                done = true;
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
