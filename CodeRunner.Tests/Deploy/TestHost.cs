using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Deploy;

/// <summary>One deploy target of <see cref="SshHosts"/>: its root folder and its judge-server.</summary>
internal sealed class TestHost(string name, string prefix, int judgePort)
{
    public string Name { get; } = name;

    public string Prefix { get; } = prefix;

    public Uri JudgeUrl { get; } = new($"http://127.0.0.1:{judgePort}");

    private string Opt => Path.Combine(Prefix, "opt", "coderunner");

    private string PidFile => Path.Combine(Prefix, "run", $"coderunner-{SshHosts.Role}.pid");

    /// <summary>Where /opt/coderunner/current points (releases/&lt;version&gt;).</summary>
    public string? Current => new FileInfo(Path.Combine(Opt, "current")).LinkTarget;

    public bool HasRelease(string version) => Directory.Exists(Path.Combine(Opt, "releases", version));

    public string ReleasePath(string version) => Path.Combine(Opt, "releases", version, "coderunner");

    /// <summary>Each line of the release log as "version action".</summary>
    public List<string> ReleaseLog() => File.ReadAllLines(Path.Combine(Opt, "release.log"))
        .Select(l => l.Split(' ')).Select(f => $"{f[1]} {f[4]}").ToList();

    public int Pid => int.Parse(File.ReadAllText(PidFile).Trim());

    /// <summary>The file the running judge-server was started from: the release it really runs.</summary>
    public string? RunningExecutable => new FileInfo($"/proc/{Pid}/exe").LinkTarget;

    public string Log()
    {
        var log = Path.Combine(Prefix, "var", "log", $"coderunner-{SshHosts.Role}.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    public async Task<int> ReadyStatusAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (int)(await http.GetAsync(new Uri(JudgeUrl, "/health/ready"))).StatusCode;
    }

    public async Task StopAsync()
    {
        if (!File.Exists(PidFile))
        {
            return;
        }
        var pid = Pid;
        if (Health.Signal(pid, Health.SigKill) != 0)
        {
            return;
        }
        for (var i = 0; i < 100 && File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "); i++)
        {
            await Task.Delay(50);
        }
    }
}
