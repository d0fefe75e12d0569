using System.Text.Json.Nodes;
using CodeRunner.Tests.Deploy;

namespace CodeRunner.Tests.Platform;

/// <summary>
/// The production platform: the VM's systemd on cgroup v2 runs coderunner@all as installed by
/// scripts/install, and the README's hello world is Accepted through it (CODERUNNER_VM_TESTS=1).
/// </summary>
[Collection(VmCollection.Name)]
public sealed class PlatformTests(VmFixture vm)
{
    private void SkipUnlessBooted()
    {
        Skip.IfNot(VmFixture.Enabled, "platform tests boot a VM: set CODERUNNER_VM_TESTS=1 (scripts/vm)");
        Assert.True(vm.BootFailure is null, vm.BootFailure);
    }

    private async Task<string> Inside(string command)
    {
        var result = await vm.ShellAsync(command);
        Assert.True(result.ExitCode == 0, $"{command}: {DeployPaths.Describe(result)}");
        return result.StandardOutput.Trim();
    }

    [SkippableFact]
    public async Task Given_the_VM_Then_PID_1_is_systemd_on_cgroup_v2_with_cpu_memory_and_pids()
    {
        SkipUnlessBooted();
        Assert.Equal("systemd", await Inside("cat /proc/1/comm"));
        Assert.Equal("cgroup2fs", await Inside("stat -f -c %T /sys/fs/cgroup"));
        var controllers = (await Inside("cat /sys/fs/cgroup/cgroup.controllers")).Split(' ');
        Assert.Contains("cpu", controllers);
        Assert.Contains("memory", controllers);
        Assert.Contains("pids", controllers);
    }

    [SkippableFact]
    public async Task Given_role_all_installed_Then_its_unit_is_active_and_the_README_hello_world_is_Accepted()
    {
        SkipUnlessBooted();
        Assert.True(vm.InstallFailure is null, vm.InstallFailure);
        Assert.Equal("active", await Inside("systemctl is-active coderunner@all"));
        var body = await Inside("curl -s -m 120 -X POST 'http://127.0.0.1:2358/submissions?wait=true' " +
            "-H 'Content-Type: application/json' -d '{\"language_id\": 71, \"source_code\": \"print(\\\"hi\\\")\"}'");
        var json = JsonNode.Parse(body)!;
        Assert.True(json["status"]?["id"]?.GetValue<int>() == 3, body);
        Assert.Equal("hi\n", json["stdout"]?.GetValue<string>());
    }
}
