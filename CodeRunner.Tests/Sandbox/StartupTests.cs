using CodeRunner.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Sandbox;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StartupTests
{
    [Fact]
    public void Given_no_bubblewrap_Then_creating_the_sandbox_says_how_to_install_it()
    {
        var options = new SandboxOptions { Bwrap = "/nonexistent/bwrap", BoxRoot = "/nonexistent/boxes", CgroupName = "coderunner-never" };

        var error = Assert.Throws<InvalidOperationException>(() => BwrapSandbox.Create(options));

        Assert.Equal("bubblewrap not found at /nonexistent/bwrap: apt-get install bubblewrap (or set Sandbox:Bwrap)", error.Message);
    }

    [Fact]
    public void Given_an_unknown_cgroup_mode_Then_the_error_lists_the_valid_ones()
    {
        var options = new SandboxOptions { Cgroup = "v3", BoxRoot = "/nonexistent/boxes", CgroupName = "coderunner-never" };

        var error = Assert.Throws<InvalidOperationException>(() => BwrapSandbox.Create(options));

        Assert.Contains("auto, v1 or v2", error.Message);
    }

    [Fact]
    public void Given_the_Sandbox_configuration_section_Then_AddSandbox_registers_a_working_singleton()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var root = Path.Combine("/tmp", $"coderunner-sandbox-test-{id}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:BoxRoot"] = Path.Combine(root, "boxes"),
            ["Sandbox:CgroupName"] = $"coderunner-test-{id}",
            ["Sandbox:Slots"] = "2",
            ["Sandbox:UidBase"] = "63500",
        }).Build();
        using (var services = new ServiceCollection().AddSandbox(configuration).BuildServiceProvider())
        {
            var sandbox = services.GetRequiredService<ISandbox>();

            Assert.Same(sandbox, services.GetRequiredService<ISandbox>());
            Assert.Equal(2, sandbox.Slots);
            Assert.True(Directory.Exists(Path.Combine(root, "boxes", "slot1")));
        }
        Assert.False(Directory.Exists(Path.Combine(root, "boxes", "slot1")));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Given_a_process_left_in_a_slot_cgroup_by_a_killed_worker_Then_the_next_sandbox_ends_it_at_start()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var root = Path.Combine("/tmp", $"coderunner-sandbox-test-{id}");
        var options = new SandboxOptions { BoxRoot = Path.Combine(root, "boxes"), CgroupName = $"coderunner-test-{id}", Slots = 1, UidBase = 63600, SelfTest = false };
        // The slot's cgroup where this machine keeps it (v1: the pids hierarchy; v2: below this
        // process's own cgroup), as a worker killed with SIGKILL leaves it.
        var slotProcs = CodeRunner.Sandbox.Cgroups.CgroupDetection.Open(options.Cgroup, options.CgroupName).Slot(0).ProcsFiles;
        using var orphan = System.Diagnostics.Process.Start("sleep", "600");
        foreach (var procs in slotProcs)
        {
            File.WriteAllText(procs, orphan.Id.ToString());
        }

        var sandbox = BwrapSandbox.Create(options);
        try
        {
            Assert.True(orphan.WaitForExit(5000), "the orphan outlived the new sandbox's start");
            Assert.All(slotProcs, procs => Assert.DoesNotContain(orphan.Id.ToString(), File.ReadAllText(procs).Split('\n')));
        }
        finally
        {
            sandbox.Dispose();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Given_a_box_root_below_a_folder_the_slot_uids_cannot_search_Then_the_self_test_quotes_bwrap_and_names_that_folder_and_uid()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var root = Path.Combine("/tmp", $"coderunner-sandbox-test-{id}");
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new SandboxOptions { BoxRoot = Path.Combine(root, "boxes"), CgroupName = $"coderunner-test-{id}", Slots = 1, UidBase = 63700 };
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => BwrapSandbox.Create(options));

            Assert.StartsWith("sandbox self-test (/usr/bin/true in slot 0) failed: ", error.Message);
            Assert.Contains($"folder {root} (mode 0700, owner 0) cannot be searched by uid 63700", error.Message);
            Assert.DoesNotContain("user namespaces", error.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Given_bwrap_refusing_to_start_Then_the_self_test_error_begins_with_bwraps_own_words_and_blames_nothing_else()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var root = Path.Combine("/tmp", $"coderunner-sandbox-test-{id}");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        // The real bwrap, given one option it does not know, as a broken or mismatched bwrap would be.
        var bwrap = Path.Combine(root, "bwrap");
        File.WriteAllText(bwrap, "#!/bin/sh\nexec /usr/bin/bwrap --no-such-option \"$@\"\n");
        File.SetUnixFileMode(bwrap, (UnixFileMode)0b111_101_101);
        var options = new SandboxOptions { Bwrap = bwrap, BoxRoot = Path.Combine(root, "boxes"), CgroupName = $"coderunner-test-{id}", Slots = 1, UidBase = 63710 };
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => BwrapSandbox.Create(options));

            Assert.Equal("sandbox self-test (/usr/bin/true in slot 0) failed: bwrap: Unknown option --no-such-option", error.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
