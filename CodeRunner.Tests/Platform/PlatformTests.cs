using System.Text.Json.Nodes;

namespace CodeRunner.Tests.Platform;

/// <summary>
/// The production platform with the README's single-machine install: the VM's systemd on cgroup v2
/// runs coderunner@all as scripts/install left it (CODERUNNER_VM_TESTS=1).
/// </summary>
[Collection(VmCollection.Name)]
public sealed class PlatformTests(VmFixture vm)
{
    private static readonly object Hello = new { language_id = 71, source_code = "print(\"hi\")" };

    [SkippableFact]
    public async Task Given_the_VM_Then_PID_1_is_systemd_on_cgroup_v2_with_cpu_memory_and_pids()
    {
        vm.SkipUnlessBooted();
        Assert.Equal("systemd", await vm.InsideAsync("cat /proc/1/comm"));
        Assert.Equal("cgroup2fs", await vm.InsideAsync("stat -f -c %T /sys/fs/cgroup"));
        var controllers = (await vm.InsideAsync("cat /sys/fs/cgroup/cgroup.controllers")).Split(' ');
        Assert.Contains("cpu", controllers);
        Assert.Contains("memory", controllers);
        Assert.Contains("pids", controllers);
    }

    [SkippableFact]
    public async Task Given_role_all_installed_Then_its_unit_never_restarted_the_README_hello_world_is_Accepted_and_the_web_IDE_answers()
    {
        vm.SkipUnlessBooted();
        await vm.UseRoleAllAsync();
        Assert.Equal("active", await vm.InsideAsync("systemctl is-active coderunner@all"));
        Assert.Equal("0", await vm.InsideAsync("systemctl show -p NRestarts --value coderunner@all"));

        // The README's hello world, word for word.
        var body = await vm.InsideAsync("curl -s -m 300 -X POST 'http://127.0.0.1:2358/submissions?wait=true' " +
            "-H 'Content-Type: application/json' -d '{\"language_id\": 71, \"source_code\": \"print(\\\"hi\\\")\"}'");
        var json = JsonNode.Parse(body)!;
        Assert.True(json["status"]?["id"]?.GetValue<int>() == 3, body);
        Assert.Equal("hi\n", json["stdout"]?.GetValue<string>());

        // The IDE on the guest's port 80, reached from the host through the forwarded loopback port.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var page = await http.GetAsync(vm.IdeUrl);
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        // As the IDE does: an anonymous session from the runner behind it, then the languages.
        var session = await http.PostAsync(new Uri(vm.IdeUrl, "/api/sessions"), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(session.IsSuccessStatusCode, await session.Content.ReadAsStringAsync());
        using var listing = new HttpRequestMessage(HttpMethod.Get, new Uri(vm.IdeUrl, "/api/languages"));
        listing.Headers.Add("X-Session-Token", JsonNode.Parse(await session.Content.ReadAsStringAsync())!["token"]!.GetValue<string>());
        var languages = JsonNode.Parse(await (await http.SendAsync(listing)).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!.AsArray();
        Assert.Contains(languages, l => l!["id"]!.GetValue<int>() == 71);
    }

    [SkippableFact]
    public async Task Given_cgroup_v2_Then_each_slot_keeps_one_launcher_as_its_uid_that_serves_run_after_run()
    {
        vm.SkipUnlessBooted();
        await vm.UseRoleAllAsync();
        await vm.RunAsync(Hello, times: 4);
        var before = await Launchers();
        var results = await vm.RunAsync(Hello, times: 4);
        var after = await Launchers();

        Assert.All(results, r => Assert.True(r["status"]!["id"]!.GetValue<int>() == 3, r.ToJsonString()));
        Assert.NotEmpty(before);
        // "slotN pid uid CapBnd NoNewPrivs": slot N's uid (UidBase 60000 + N), no capabilities, no_new_privs.
        Assert.All(before, l => Assert.Matches(@"^slot(\d+) \d+ 6000\1 0000000000000000 1$", l));
        // The same processes: the runs went through the resident launchers, none was started again.
        Assert.All(before, l => Assert.Contains(l, after));
    }

    /// <summary>Each slot cgroup's bash processes: "slotN pid uid CapBnd NoNewPrivs" lines.</summary>
    private async Task<string[]> Launchers() => (await vm.InsideAsync("""
        cd /sys/fs/cgroup$(systemctl show -p ControlGroup --value coderunner@all)/coderunner
        for slot in slot*; do
          for pid in $(cat $slot/cgroup.procs); do
            if [ "$(cat /proc/$pid/comm)" = bash ]; then
              echo "$slot $pid $(stat -c %u /proc/$pid) $(awk '/^CapBnd:/ {c=$2} /^NoNewPrivs:/ {n=$2} END {print c, n}' /proc/$pid/status)"
            fi
          done
        done
        """)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [SkippableFact]
    public async Task Given_role_all_When_the_guest_reboots_Then_the_enabled_unit_comes_back_with_its_submissions()
    {
        vm.SkipUnlessBooted();
        await vm.UseRoleAllAsync();
        var before = (await vm.RunAsync(new { language_id = 71, source_code = "print(input()[::-1])", stdin = "reboot" }))[0];
        Assert.True(before["status"]!["id"]!.GetValue<int>() == 3, before.ToJsonString());
        var token = before["token"]!.GetValue<string>();

        await vm.RebootAsync();

        Assert.Equal("enabled", await vm.InsideAsync("systemctl is-enabled coderunner@all"));
        await vm.InsideAsync("/root/coderunner/scripts/install --role all --wait-ready --timeout 300", timeoutSeconds: 330);
        var after = JsonNode.Parse(await vm.JudgeAsync($"wait {token}"))!.AsArray()[0]!;
        Assert.Equal("toober\n", after["stdout"]!.GetValue<string>());
        Assert.Equal(before["finished_at"]!.GetValue<string>(), after["finished_at"]!.GetValue<string>());
        Assert.True((await vm.RunAsync(Hello))[0]["status"]!["id"]!.GetValue<int>() == 3);
    }
}
