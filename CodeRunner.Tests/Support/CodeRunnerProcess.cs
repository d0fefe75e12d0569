using System.Runtime.InteropServices;

namespace CodeRunner.Tests.Support;

/// <summary>
/// One `coderunner` process (the built coderunner.dll under the dotnet host, so no publish is
/// needed), as a separate machine would run it: its own roles, ports and environment. Output is
/// kept for assertions; Kill is SIGKILL (machine loss), Terminate is SIGTERM (systemd stop).
/// </summary>
internal sealed partial class CodeRunnerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CodeRunnerProcess(Process process, string role, Uri url)
    {
        _process = process;
        Role = role;
        Url = url;
    }

    public string Role { get; }

    public Uri Url { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    public static CodeRunnerProcess Start(string role, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort.Next();
        var url = new Uri($"http://127.0.0.1:{port}");
        var dll = Path.Combine(AppContext.BaseDirectory, "coderunner.dll");
        var start = new ProcessStartInfo(DotnetHost(), [dll, "--role", role])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Judge__Urls"] = url.ToString().TrimEnd('/');
        start.Environment["Worker__Urls"] = url.ToString().TrimEnd('/');
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        var running = new CodeRunnerProcess(process, role, url);
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits until /health (or /health/ready) answers 200.</summary>
    public async Task WaitHealthyAsync(string path = "/health", int seconds = 60)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Role} exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await http.GetAsync(path)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Role} not healthy at {path}:\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    public void Kill() => _ = Signal(_process.Id, 9);

    public void Terminate() => _ = Signal(_process.Id, 15);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Terminate();
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(30)))
            {
                Kill();
                await WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Signal(int pid, int signal);
}
