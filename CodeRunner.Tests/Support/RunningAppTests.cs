using System.Net;
using System.Net.Sockets;
using CodeRunner.Hosting;

namespace CodeRunner.Tests.Support;

public sealed class RunningAppTests
{
    [Fact]
    public async Task Given_the_judge_port_taken_When_the_app_fails_to_start_Then_its_worker_leaves_no_mount_or_cgroup_behind()
    {
        using var taken = new TcpListener(IPAddress.Loopback, FreePort.Next());
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var boxes = TestDirectory.Create("coderunner-failed-start-");
        var cgroup = "coderunner-failed-start-" + Guid.NewGuid().ToString("N")[..8];

        await Assert.ThrowsAnyAsync<IOException>(() => RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker,
            ("Judge:Urls", $"http://127.0.0.1:{port}"), ("Sandbox:BoxRoot", boxes), ("Sandbox:CgroupName", cgroup)));

        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(boxes));
        Assert.DoesNotContain(Directory.GetDirectories("/sys/fs/cgroup"), h => Directory.Exists(Path.Combine(h, cgroup)));
    }
}
