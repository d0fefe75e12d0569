using CodeRunner.Sandbox.Cgroups;

namespace CodeRunner.Tests.Sandbox;

/// <summary>
/// cgroup v2 against a directory laid out like cgroupfs (this machine mounts v2 without
/// controllers, so the real thing cannot run here): the files the kernel would own are
/// pre-created and rewritten by the test the way the kernel would.
/// </summary>
public sealed class CgroupV2Tests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"fake-cgroupfs-{Guid.NewGuid():N}");
    private readonly string slotDir;

    public CgroupV2Tests()
    {
        slotDir = Path.Combine(root, "coderunner", "slot0");
        Directory.CreateDirectory(slotDir);
        File.WriteAllText(Path.Combine(root, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        File.WriteAllText(Path.Combine(root, "cgroup.subtree_control"), "");
        File.WriteAllText(Path.Combine(root, "coderunner", "cgroup.subtree_control"), "");
        Kernel("memory.max", "max\n");
        Kernel("memory.swap.max", "max\n");
        Kernel("pids.max", "max\n");
        Kernel("memory.current", "4096\n");
        Kernel("memory.peak", "999999999\n");
        Kernel("cpu.stat", "usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\n");
        Kernel("memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\noom_group_kill 0\n");
        Kernel("cgroup.procs", "");
        Kernel("cgroup.kill", "");
    }

    [Fact]
    public void Given_a_worker_in_a_delegated_service_cgroup_Then_it_moves_into_a_leaf_and_the_slots_live_inside_the_service()
    {
        var service = Path.Combine(root, "system.slice", "coderunner@judge-worker.service");
        Directory.CreateDirectory(service);
        File.WriteAllText(Path.Combine(service, "cgroup.subtree_control"), "");
        // The worker and another process of the service (moving both is checked in the VM: a
        // file here keeps only the last pid written, which must be the worker's).
        File.WriteAllText(Path.Combine(service, "cgroup.procs"), $"4194303\n{Environment.ProcessId}\n");
        var ownCgroup = Path.Combine(root, "self-cgroup");
        File.WriteAllText(ownCgroup, "0::/system.slice/coderunner@judge-worker.service\n");

        var hierarchy = CgroupDetectionFor(ownCgroup);
        var slot = hierarchy.Slot(1);

        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(Path.Combine(service, "supervisor", "cgroup.procs")));
        Assert.Equal("+memory +pids", File.ReadAllText(Path.Combine(service, "cgroup.subtree_control")));
        Assert.Equal([Path.Combine(service, "coderunner", "slot1", "cgroup.procs")], slot.ProcsFiles);
        // The root of the hierarchy belongs to systemd: untouched.
        Assert.Equal("", File.ReadAllText(Path.Combine(root, "cgroup.subtree_control")));
    }

    [Fact]
    public void Given_a_worker_already_in_its_supervisor_leaf_Then_the_slots_go_beside_the_leaf_not_below_it()
    {
        var service = Path.Combine(root, "system.slice", "w.service");
        Directory.CreateDirectory(Path.Combine(service, "supervisor"));
        File.WriteAllText(Path.Combine(service, "cgroup.subtree_control"), "");
        var ownCgroup = Path.Combine(root, "self-cgroup");
        File.WriteAllText(ownCgroup, "0::/system.slice/w.service/supervisor\n");

        var slot = CgroupDetectionFor(ownCgroup).Slot(0);

        Assert.Equal([Path.Combine(service, "coderunner", "slot0", "cgroup.procs")], slot.ProcsFiles);
    }

    [Fact]
    public void Given_no_cgroup_v2_line_Then_the_own_cgroup_is_the_root()
    {
        var ownCgroup = Path.Combine(root, "self-cgroup");
        File.WriteAllText(ownCgroup, "12:memory:/\n");

        Assert.Equal("/", CgroupV2.OwnCgroup(ownCgroup));
    }

    private ICgroupHierarchy CgroupDetectionFor(string ownCgroup)
    {
        var mountInfo = Path.Combine(root, "mountinfo");
        File.WriteAllText(mountInfo, $"30 23 0:26 / {root} rw,nosuid shared:4 - cgroup2 cgroup2 rw\n");
        return CgroupDetection.Open("v2", "coderunner", mountInfo, ownCgroup);
    }

    [Fact]
    public void Given_limits_Then_they_are_written_to_memory_max_swap_max_and_pids_max()
    {
        var slot = new CgroupV2(root, "coderunner").Slot(0);

        slot.Prepare(64L * 1024 * 1024, 62);

        Assert.Equal("67108864", Read("memory.max"));
        Assert.Equal("0", Read("memory.swap.max"));
        Assert.Equal("62", Read("pids.max"));
        Assert.Equal("+memory +pids", File.ReadAllText(Path.Combine(root, "cgroup.subtree_control")));
        Assert.Equal("+memory +pids", File.ReadAllText(Path.Combine(root, "coderunner", "cgroup.subtree_control")));
        Assert.Equal([Path.Combine(slotDir, "cgroup.procs")], slot.ProcsFiles);
    }

    [Fact]
    public void Given_a_run_Then_cpu_oom_kills_and_peak_are_counted_from_Prepare()
    {
        var slot = new CgroupV2(root, "coderunner").Slot(0);
        slot.Prepare(64L * 1024 * 1024, 10);

        Kernel("cpu.stat", "usage_usec 6250000\nuser_usec 5000000\nsystem_usec 1250000\n");
        Kernel("memory.events", "low 0\nhigh 0\nmax 9\noom 3\noom_kill 3\noom_group_kill 0\n");
        Kernel("memory.peak", "7340032\n");
        var usage = slot.Usage();

        Assert.Equal(1.25, usage.CpuSeconds, 6);
        Assert.Equal(1, usage.OomKills);
        Assert.Equal(7340032, usage.PeakBytes);
        Assert.Equal(1.25, slot.CpuSeconds(), 6);
    }

    [Fact]
    public void Given_a_kernel_without_memory_peak_Then_the_peak_is_the_largest_polled_memory_current()
    {
        File.Delete(Path.Combine(slotDir, "memory.peak"));
        var slot = new CgroupV2(root, "coderunner").Slot(0);
        slot.Prepare(1 << 26, 10);

        Kernel("memory.current", "5000000\n");
        slot.CpuSeconds();
        Kernel("memory.current", "3000000\n");

        Assert.Equal(5000000, slot.Usage().PeakBytes);
    }

    [Fact]
    public void Given_processes_Then_they_are_listed_and_KillAll_writes_cgroup_kill()
    {
        var slot = new CgroupV2(root, "coderunner").Slot(0);
        Kernel("cgroup.procs", "123\n456\n");

        slot.KillAll();

        Assert.Equal([123, 456], slot.Pids());
        Assert.Equal("1", Read("cgroup.kill"));
    }

    [Fact]
    public void Given_a_mountinfo_with_a_cgroup2_root_offering_memory_and_pids_Then_auto_picks_v2()
    {
        var mountInfo = Path.Combine(root, "mountinfo");
        File.WriteAllText(mountInfo, $"35 24 0:30 / {root} rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n");

        var hierarchy = CgroupDetection.Open("auto", "coderunner", mountInfo);

        Assert.Equal("v2", hierarchy.Version);
    }

    [Fact]
    public void Given_no_usable_hierarchy_Then_the_error_names_what_is_missing()
    {
        var mountInfo = Path.Combine(root, "mountinfo");
        File.WriteAllText(mountInfo, "22 1 0:21 / /proc rw - proc proc rw\n");

        var error = Assert.Throws<InvalidOperationException>(() => CgroupDetection.Open("auto", "coderunner", mountInfo));

        Assert.Contains("memory", error.Message);
        Assert.Contains("pids", error.Message);
    }

    [Fact]
    public void Given_this_machine_Then_auto_detection_finds_v1_whose_cgroup2_mount_has_no_controllers()
    {
        var version = File.ReadAllText("/proc/self/mountinfo").Contains(" - cgroup cgroup ") ? "v1" : "v2";

        var hierarchy = CgroupDetection.Open("auto", $"coderunner-detect-{Guid.NewGuid():N}");
        hierarchy.DeleteParent();

        Assert.Equal(version, hierarchy.Version);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Kernel(string file, string content) => File.WriteAllText(Path.Combine(slotDir, file), content);

    private string Read(string file) => File.ReadAllText(Path.Combine(slotDir, file)).Trim();
}
