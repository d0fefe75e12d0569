using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeRunner.Provisioning;
using CodeRunner.Tests.Binary;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Deploy;

/// <summary>systemd/: checked by systemd's own tools (systemd is not PID 1 here) and by running what it grants.</summary>
[Collection("Deploy")]
public sealed class SystemdUnitTests(PublishedBinary binary) : IClassFixture<PublishedBinary>, IDisposable
{
    private static readonly string[] UnprivilegedRoles = ["client", "runner", "lb", "judge-server"];
    // 0755: the sandbox's slot uids must reach the boxes below it.
    private readonly string _dir = TestDirectory.Create("coderunner-units-");

    public static TheoryData<string> Roles => new() { "client", "runner", "lb", "judge-server", "judge-worker" };

    public static TheoryData<string> Unprivileged => new(UnprivilegedRoles);

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Given_a_role_Then_systemd_analyze_verify_accepts_its_unit_and_drop_in_without_a_warning(string role)
    {
        var unit = UnitFor(role);

        var verify = await DeployPaths.RunAsync("systemd-analyze", ["verify", "--man=no", unit]);

        Assert.True(verify.ExitCode == 0, DeployPaths.Describe(verify));
        Assert.True(verify.StandardError.Trim().Length == 0 && verify.StandardOutput.Trim().Length == 0, DeployPaths.Describe(verify));
    }

    [Theory]
    [MemberData(nameof(Unprivileged))]
    public async Task Given_an_unprivileged_role_Then_it_runs_as_coderunner_without_privileges_and_systemd_rates_it_ok(string role)
    {
        var settings = UnitSettings.For(role);
        var security = await DeployPaths.RunAsync("systemd-analyze", ["security", "--offline=yes", "--man=no", "--no-pager", UnitFor(role)]);

        Assert.Equal($"/opt/coderunner/current/coderunner --role {role}", settings["ExecStart"]);
        Assert.Equal($"/etc/coderunner/{role}.env", settings["EnvironmentFile"]);
        Assert.Equal("always", settings["Restart"]);
        Assert.Equal("coderunner", settings["User"]);
        Assert.Equal("yes", settings["NoNewPrivileges"]);
        Assert.Equal("strict", settings["ProtectSystem"]);
        Assert.Equal("yes", settings["ProtectHome"]);
        Assert.Equal("yes", settings["PrivateTmp"]);
        Assert.Equal(role == "client" ? "CAP_NET_BIND_SERVICE" : "", settings["CapabilityBoundingSet"]);
        var exposure = Regex.Match(security.StandardOutput, @"Overall exposure level for \S+: ([0-9.]+)");
        Assert.True(exposure.Success, DeployPaths.Describe(security));
        // systemd's scale: 0 safe .. 10 unsafe; "OK" is below 2.0.
        Assert.True(double.Parse(exposure.Groups[1].Value, CultureInfo.InvariantCulture) < 2.0, security.StandardOutput);
    }

    [Fact]
    public void Given_the_judge_worker_Then_its_drop_in_grants_root_delegated_cgroups_and_namespaces_and_provisioning_writes_it()
    {
        var settings = UnitSettings.For("judge-worker");

        Assert.Equal("root", settings["User"]);
        Assert.Equal("yes", settings["Delegate"]);
        // On stop only the worker is signalled (it hands back its runs); the runs in its subtree are not.
        Assert.Equal("mixed", settings["KillMode"]);
        Assert.Equal("no", settings["NoNewPrivileges"]);
        Assert.Equal("no", settings["RestrictNamespaces"]);
        Assert.Equal("no", settings["ProtectHostname"]);
        Assert.Equal("no", settings["ProtectControlGroups"]);
        Assert.Equal("strict", settings["ProtectSystem"]);
        Assert.Equal("yes", settings["ProtectHome"]);
        Assert.Equal(File.ReadAllText(Path.Combine(DeployPaths.Systemd, "coderunner@judge-worker.service.d", "override.conf")), UserData.DropIn("judge-worker"));
        Assert.Null(UserData.DropIn("judge-server"));
    }

    [Fact]
    public async Task Given_only_the_capabilities_the_worker_unit_grants_When_the_real_worker_runs_submissions_Then_the_sandbox_works()
    {
        // setpriv applies the unit's CapabilityBoundingSet to the published binary, as systemd would.
        var caps = UnitSettings.For("judge-worker")["CapabilityBoundingSet"].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var boundingSet = "-all," + string.Join(',', caps.Select(c => "+" + c["CAP_".Length..].ToLowerInvariant()));
        var uidBase = 80000 + Environment.ProcessId % 1000 * 8;
        var judge = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var workerHealth = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("setpriv", [
            "--bounding-set", boundingSet, binary.Path, "--role", "judge-server,judge-worker",
            "--set", $"Judge:Urls={judge.ToString().TrimEnd('/')}",
            "--set", $"Worker:Urls={workerHealth.ToString().TrimEnd('/')}",
            "--set", $"Storage:Sqlite={Path.Combine(_dir, "coderunner.db")}",
            "--set", $"Sandbox:BoxRoot={Path.Combine(_dir, "boxes")}",
            "--set", "Sandbox:CgroupName=coderunner-caps-" + Guid.NewGuid().ToString("N")[..8],
            "--set", "Sandbox:Slots=1",
            "--set", $"Sandbox:UidBase={uidBase}",
        ])
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var worker = Process.Start(start)!;
        var log = new StringBuilder();
        worker.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        worker.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        string Log() { lock (log) { return log.ToString(); } }
        try
        {
            await Health.WaitAsync(judge, "/health", TimeSpan.FromSeconds(60), _ => worker.HasExited ? "exited" : null, Log);
            // The worker's languages are known (and submissions accepted) once it reports ready.
            await Health.WaitAsync(workerHealth, "/health", TimeSpan.FromSeconds(60), _ => worker.HasExited ? "exited" : null, Log);
            using var http = new HttpClient { BaseAddress = judge, Timeout = TimeSpan.FromSeconds(60) };

            var hello = await Submit(http, 71, "import os\nprint('hello', os.getuid() != 0)");
            var c = await Submit(http, 50, "#include <stdio.h>\nint main(void) { puts(\"compiled\"); return 0; }");
            var memory = await Submit(http, 71, "x = bytearray(300 * 1024 * 1024)", "\"memory_limit\": 65536");
            var userCaps = await Submit(http, 71, "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapBnd:')][0])");

            Assert.True(hello.GetProperty("status").GetProperty("id").GetInt32() == 3, hello + Log());
            Assert.Equal("hello True\n", hello.GetProperty("stdout").GetString());
            Assert.Equal("compiled\n", c.GetProperty("stdout").GetString());
            Assert.Equal("Memory limit exceeded", memory.GetProperty("message").GetString());
            // User code keeps none of the worker's capabilities, not even in its bounding set.
            Assert.True(userCaps.GetProperty("status").GetProperty("id").GetInt32() == 3, userCaps + Log());
            Assert.Equal("0000000000000000\n", userCaps.GetProperty("stdout").GetString());
            Assert.DoesNotContain("failed dropping bounding set", Log());
            // Nor does anything outside bwrap's namespaces that runs as a slot's uid (the slot's launcher).
            var slotProcesses = SlotProcesses(uidBase);
            Assert.NotEmpty(slotProcesses);
            Assert.All(slotProcesses, p => Assert.True(p.CapBnd == 0, $"pid {p.Pid} ({p.Name}) runs as the slot uid with bounding set {p.CapBnd:x}"));
            // The unit's set, as far as this machine's root holds it (a container's root may lack
            // some, e.g. CAP_SYS_RESOURCE: setpriv cannot add to a bounding set).
            Assert.Equal(Mask(caps) & CapBnd(Environment.ProcessId), CapBnd(worker.Id));
        }
        finally
        {
            _ = Health.Signal(worker.Id, Health.SigTerm);
            if (!worker.WaitForExit(30_000))
            {
                worker.Kill();
            }
        }
    }

    private static ulong CapBnd(int pid) => ulong.Parse(
        File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)).Split('\t')[1], NumberStyles.HexNumber);

    private static List<(int Pid, string Name, ulong CapBnd)> SlotProcesses(int uidBase)
    {
        var found = new List<(int, string, ulong)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var status = File.ReadAllLines(Path.Combine(dir, "status"));
                var uid = int.Parse(status.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1], CultureInfo.InvariantCulture);
                if (uid >= uidBase && uid < uidBase + 8)
                {
                    found.Add((int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture), status[0].Split('\t')[1],
                        ulong.Parse(status.Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)).Split('\t')[1], NumberStyles.HexNumber)));
                }
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Not a process, or gone meanwhile.
            }
        }
        return found;
    }

    private static async Task<JsonElement> Submit(HttpClient http, int language, string source, string extra = "")
    {
        var body = $"{{\"language_id\": {language}, \"source_code\": {JsonSerializer.Serialize(source)}{(extra.Length > 0 ? ", " + extra : "")}}}";
        var response = await http.PostAsync("/submissions?wait=true", new StringContent(body, Encoding.UTF8, "application/json"));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static readonly Dictionary<string, int> CapabilityBits = new()
    {
        ["CAP_CHOWN"] = 0, ["CAP_DAC_OVERRIDE"] = 1, ["CAP_DAC_READ_SEARCH"] = 2, ["CAP_FOWNER"] = 3, ["CAP_KILL"] = 5,
        ["CAP_SETGID"] = 6, ["CAP_SETUID"] = 7, ["CAP_SETPCAP"] = 8, ["CAP_NET_BIND_SERVICE"] = 10, ["CAP_NET_ADMIN"] = 12,
        ["CAP_SYS_CHROOT"] = 18, ["CAP_SYS_ADMIN"] = 21, ["CAP_SYS_RESOURCE"] = 24,
    };

    private static ulong Mask(IEnumerable<string> caps) => caps.Aggregate(0UL, (m, c) => m | (1UL << CapabilityBits[c]));

    /// <summary>The instance's unit file in a folder of its own (template linked by instance name, drop-ins beside it),
    /// its ExecStart pointed at the published binary: systemd-analyze checks the executable exists.</summary>
    private string UnitFor(string role)
    {
        var dir = Path.Combine(_dir, "units");
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir);
            foreach (var file in Directory.EnumerateFiles(DeployPaths.Systemd, "*", SearchOption.AllDirectories))
            {
                var dest = Path.Combine(dir, Path.GetRelativePath(DeployPaths.Systemd, file));
                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                File.WriteAllText(dest, File.ReadAllText(file).Replace("/opt/coderunner/current/coderunner", binary.Path));
            }
        }
        var instance = Path.Combine(dir, $"coderunner@{role}.service");
        if (!File.Exists(instance))
        {
            File.CreateSymbolicLink(instance, "coderunner@.service");
        }
        return instance;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
