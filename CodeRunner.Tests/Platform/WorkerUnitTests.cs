using System.Text.Json.Nodes;
using CodeRunner.Tests.Deploy;
using CodeRunner.Tests.EndToEnd;

namespace CodeRunner.Tests.Platform;

/// <summary>
/// coderunner@judge-worker as its own unit, with the real hardening of its drop-in, beside
/// coderunner@judge-server, both installed by scripts/install and sharing the guest's PostgreSQL and
/// Redis: the production judge tier on systemd and cgroup v2 (CODERUNNER_VM_TESTS=1).
/// </summary>
[Collection(VmCollection.Name)]
public sealed class WorkerUnitTests(VmFixture vm)
{
    private const string Unit = "coderunner@judge-worker";

    private static int Status(JsonObject result) => result["status"]!["id"]!.GetValue<int>();

    private async Task StartAsync()
    {
        vm.SkipUnlessBooted();
        await vm.UseSplitRolesAsync();
    }

    /// <summary>The worker unit's cgroup below /sys/fs/cgroup, e.g. /system.slice/system-coderunner.slice/coderunner@judge-worker.service.</summary>
    private Task<string> ControlGroup() => vm.InsideAsync($"systemctl show -p ControlGroup --value {Unit}");

    [SkippableFact]
    public async Task Given_the_worker_unit_Then_systemd_applies_its_hardening_and_a_run_sits_in_its_delegated_cgroup_as_a_slot_uid_without_privileges()
    {
        await StartAsync();
        var show = (await vm.InsideAsync($"systemctl show {Unit} -p User -p Delegate -p NoNewPrivileges -p ProtectSystem -p ProtectHome -p PrivateTmp -p CapabilityBoundingSet"))
            .Split('\n').Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("root", show["User"]);
        Assert.Equal("yes", show["Delegate"]);
        Assert.Equal("strict", show["ProtectSystem"]);
        Assert.Equal("yes", show["ProtectHome"]);
        Assert.Equal("yes", show["PrivateTmp"]);
        var granted = UnitSettings.For("judge-worker")["CapabilityBoundingSet"].ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Order();
        Assert.Equal(granted, show["CapabilityBoundingSet"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
        var cgroup = await ControlGroup();

        // A run that lasts long enough to be looked at from outside.
        var token = JsonNode.Parse(await vm.JudgeAsync("submit", """{"language_id": 46, "source_code": "sleep 7.25"}"""))!.AsArray()[0]!.GetValue<string>();
        var seen = await vm.InsideAsync("""
            for i in $(seq 1 240); do pid=$(pgrep -f '^sleep 7.25$' | head -n1); [ -n "$pid" ] && break; sleep 0.5; done
            [ -n "$pid" ] || { echo "the run never started"; exit 1; }
            echo "cgroup=$(sed -n 's/^0:://p' /proc/$pid/cgroup)"
            awk '/^(Uid|CapBnd|CapEff|CapPrm|NoNewPrivs):/ {print $1 $2}' /proc/$pid/status
            systemd-cgls --no-pager -u coderunner@judge-worker.service
            """);
        var finished = JsonNode.Parse(await vm.JudgeAsync($"wait {token}"))!.AsArray()[0]!.AsObject();

        Assert.Matches($@"cgroup={System.Text.RegularExpressions.Regex.Escape(cgroup)}/coderunner/slot\d+\n", seen);
        Assert.Matches(@"Uid:600\d\d\n", seen);
        Assert.Contains("CapBnd:0000000000000000\n", seen);
        Assert.Contains("CapEff:0000000000000000\n", seen);
        Assert.Contains("NoNewPrivs:1\n", seen);
        // systemd sees the run as part of the service.
        Assert.Contains("sleep 7.25", seen);
        Assert.True(Status(finished) == 3, finished.ToJsonString());
    }

    [SkippableFact]
    public async Task Given_the_worker_unit_Then_every_language_the_guest_has_installed_runs_its_hello_world()
    {
        await StartAsync();
        var listed = JsonNode.Parse(await vm.InsideAsync("curl -fsS http://127.0.0.1:2358/languages"))!.AsArray()
            .Select(l => (Id: l!["id"]!.GetValue<int>(), Name: l["name"]!.GetValue<string>())).ToArray();
        // The guest's toolchains (scripts/vm.d/packages): at least C, C++, Java, JavaScript, Python, Bash.
        Assert.Superset(new HashSet<int> { 46, 50, 54, 62, 63, 71 }, listed.Select(l => l.Id).ToHashSet());

        var bodies = listed.Select(l => EveryLanguageTests.Programs(l.Id))
            .Zip(listed, (p, l) => EveryLanguageTests.Body(l.Id, p.Hello, p.AdditionalFiles)).ToArray();
        var results = await vm.RunAsync(bodies);

        Assert.All(listed.Zip(results), pair =>
        {
            Assert.True(Status(pair.Second) == 3, $"{pair.First.Name}: {pair.Second.ToJsonString()}");
            Assert.Equal(EveryLanguageTests.HelloOutput, pair.Second["stdout"]!.GetValue<string>());
        });
    }

    [SkippableFact]
    public async Task Given_the_worker_unit_Then_cgroup_v2_ends_a_memory_hog_a_fork_bomb_and_a_busy_loop_and_the_worker_carries_on()
    {
        await StartAsync();
        var restarts = await vm.InsideAsync($"systemctl show -p NRestarts --value {Unit}");
        var results = await vm.RunAsync(new object[]
        {
            new { language_id = 71, source_code = "x = bytearray(300 * 1024 * 1024)\nprint(len(x))", memory_limit = 65536 },
            new { language_id = 50, source_code = "#include <unistd.h>\nint main(void) { for (;;) fork(); }", wall_time_limit = 5 },
            new { language_id = 71, source_code = "while True:\n    pass", cpu_time_limit = 1 },
            new { language_id = 71, source_code = "print('still here')" },
        });
        var (memory, forkBomb, busy, after) = (results[0], results[1], results[2], results[3]);

        Assert.Equal("Memory limit exceeded", memory["message"]?.GetValue<string>());
        Assert.Null(memory["stdout"]?.GetValue<string>());
        // The bomb hits pids.max and is ended with the whole slot; nothing of it outlives its run.
        Assert.True(Status(forkBomb) is 5 or 11 or 12, forkBomb.ToJsonString());
        Assert.True(Status(busy) == 5, busy.ToJsonString());
        Assert.True(Status(after) == 3, after.ToJsonString());
        Assert.Equal("still here\n", after["stdout"]!.GetValue<string>());
        // Nothing of the runs outlives them: as the slot uids only the resident launchers (bash) remain.
        Assert.Equal("", await vm.InsideAsync("ps -e -o uid=,comm= | awk '$1 >= 60000 && $1 < 60100 && $2 != \"bash\"'"));
        Assert.Equal(restarts, await vm.InsideAsync($"systemctl show -p NRestarts --value {Unit}"));
    }

    [SkippableFact]
    public async Task Given_a_run_in_progress_When_the_worker_unit_stops_Then_no_process_mount_or_cgroup_is_left_and_the_submission_still_finishes()
    {
        await StartAsync();
        var cgroup = await ControlGroup();
        var token = JsonNode.Parse(await vm.JudgeAsync("submit", """{"language_id": 46, "source_code": "sleep 3.75; echo slept"}"""))!.AsArray()[0]!.GetValue<string>();
        await vm.InsideAsync("for i in $(seq 1 240); do pgrep -f '^sleep 3.75$' >/dev/null && exit 0; sleep 0.5; done; exit 1");

        await vm.InsideAsync($"systemctl stop {Unit}", timeoutSeconds: 120);
        var left = await vm.InsideAsync($"""
            echo "active=$(systemctl is-active {Unit})"
            echo "processes=$(ps -e -o uid=,args= | awk '$1 >= 60000 && $1 < 60100' | wc -l)"
            echo "mounts=$(findmnt -rn -o TARGET | grep -c '^/var/lib/coderunner/boxes')"
            echo "cgroup=$(test -e /sys/fs/cgroup{cgroup} && echo present || echo gone)"
            """);
        await vm.InsideAsync($"systemctl start {Unit} && /root/coderunner/scripts/install --role judge-worker --wait-ready --timeout 300", timeoutSeconds: 330);
        var finished = JsonNode.Parse(await vm.JudgeAsync($"wait {token}"))!.AsArray()[0]!.AsObject();

        Assert.Equal("active=inactive\nprocesses=0\nmounts=0\ncgroup=gone", left);
        Assert.True(Status(finished) == 3, finished.ToJsonString());
        Assert.Equal("slept\n", finished["stdout"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Given_submissions_queued_and_running_When_the_worker_unit_restarts_Then_every_one_finishes_Accepted()
    {
        await StartAsync();
        var tokens = JsonNode.Parse(await vm.JudgeAsync("submit 20", """{"language_id": 71, "source_code": "import time\ntime.sleep(1)\nprint(input())", "stdin": "kept"}"""))!
            .AsArray().Select(t => t!.GetValue<string>()).ToArray();
        // In one go inside the guest: once the first has finished, count the finished and restart
        // while most still wait or run.
        var all = string.Join(' ', tokens);
        var finishedBefore = int.Parse(await vm.InsideAsync($"""
            judge="python3 /mnt/tests/Platform/Guest/judge.py"
            $judge wait {tokens[0]} >/dev/null
            $judge count {all}
            systemctl restart {Unit}
            """, timeoutSeconds: 900), System.Globalization.CultureInfo.InvariantCulture);
        var results = JsonNode.Parse(await vm.JudgeAsync("wait " + string.Join(' ', tokens)))!.AsArray().Select(r => r!.AsObject()).ToArray();

        Assert.True(finishedBefore < tokens.Length, "every submission had finished before the restart: the test proved nothing");
        Assert.All(results, r =>
        {
            Assert.True(Status(r) == 3, r.ToJsonString());
            Assert.Equal("kept\n", r["stdout"]!.GetValue<string>());
        });
        Assert.Contains("active", await vm.InsideAsync($"systemctl is-active {Unit}"));
    }
}
