namespace CodeRunner.Tests.Support;

/// <summary>
/// A real server (PostgreSQL, Redis) run as a child process of the test host, on loopback, from
/// Debian's packages: started, stopped (gracefully or with SIGKILL) and started again on the same
/// port and data, so tests can take it away under load.
/// </summary>
internal sealed class ServerProcess(string name, ProcessStartInfo start) : IDisposable
{
    private Process? _process;
    private readonly StringBuilder _log = new();

    public string Log
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    public bool Running => _process is { HasExited: false };

    public void Start()
    {
        if (Running)
        {
            return;
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Tracked.Add(process);
    }

    /// <summary>SIGTERM (or SIGKILL when <paramref name="kill"/>) and wait until it is gone.</summary>
    public async Task StopAsync(bool kill = false, int signal = 0)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        _ = Health.Signal(process.Id, kill ? Health.SigKill : signal == 0 ? Health.SigTerm : signal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            _ = Health.Signal(process.Id, Health.SigKill);
            process.WaitForExit(10_000);
        }
        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            if (_log.Length < 64 * 1024)
            {
                _log.AppendLine(line);
            }
        }
    }

    // Servers must not outlive a test run that ends without disposing them.
    private static readonly List<Process> Tracked = [];

    static ServerProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    /// <summary>SIGKILLs every server still running and waits (briefly) until each is gone.</summary>
    public static void KillAll()
    {
        foreach (var p in Tracked.ToArray())
        {
            try
            {
                if (!p.HasExited)
                {
                    _ = Health.Signal(p.Id, Health.SigKill);
                    p.WaitForExit(5_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
