using CodeRunner.Tests.Binary;

namespace CodeRunner.Tests.Support;

/// <summary>
/// One `coderunner` process (the built coderunner.dll under the dotnet host, so no publish is
/// needed), as a separate machine would run it: its own roles, ports and environment. Output is
/// kept for assertions; Kill is SIGKILL (machine loss), Terminate is SIGTERM (systemd stop).
/// <see cref="StartPublished"/> runs the published single-file binary instead.
/// </summary>
internal sealed class CodeRunnerProcess : IAsyncDisposable
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
        return Launch(start, role, url);
    }

    /// <summary>
    /// The published single-file binary itself, configured only by <paramref name="arguments"/>;
    /// <paramref name="url"/> is where <see cref="WaitHealthyAsync"/> looks.
    /// </summary>
    public static CodeRunnerProcess StartPublished(PublishedBinary binary, string role, Uri url, params IEnumerable<string> arguments) =>
        Launch(new ProcessStartInfo(binary.Path, ["--role", role, .. arguments])
        {
            WorkingDirectory = binary.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }, role, url);

    private static CodeRunnerProcess Launch(ProcessStartInfo start, string role, Uri url)
    {
        var process = Process.Start(start)!;
        var running = new CodeRunnerProcess(process, role, url);
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits until /health (or /health/ready) answers 200; gives up if the process exits.</summary>
    public Task WaitHealthyAsync(string path = "/health", int seconds = 60) =>
        Health.WaitAsync(Url, path, TimeSpan.FromSeconds(seconds),
            giveUp: _ => _process.HasExited ? $"{Role} exited with {_process.ExitCode}" : null,
            describe: () => Output);

    public void Kill() => _ = Health.Signal(_process.Id, Health.SigKill);

    public void Terminate() => _ = Health.Signal(_process.Id, Health.SigTerm);

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

}
