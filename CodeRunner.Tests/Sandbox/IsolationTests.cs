using System.Net;
using System.Net.Sockets;
using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>The program cannot reach the network or the host, and leaves nothing behind.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class IsolationTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Given_a_program_Then_it_holds_no_file_descriptor_but_stdin_stdout_and_stderr()
    {
        // The shell's own fds, listed by a child: the status channel, the seccomp filter's file,
        // the launcher's control pipes and the box init's fds must all stay outside the program.
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "ls /proc/$$/fd | tr '\\n' ' '"]);

        Assert.Equal("0 1 2 ", SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_a_TCP_listener_on_the_host_loopback_Then_the_program_cannot_connect()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", $$"""
            import socket
            for host in ['127.0.0.1', '10.0.0.1', '169.254.169.254']:
                try:
                    socket.create_connection((host, {{port}}), timeout=1); print('connected', host)
                except OSError as e:
                    print('blocked', host)
            """]);

        Assert.Equal("blocked 127.0.0.1\nblocked 10.0.0.1\nblocked 169.254.169.254\n", SandboxFixture.Text(outcome.Stdout));
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task Given_the_network_namespace_of_a_run_Then_it_has_only_a_loopback_the_program_cannot_configure()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", """
            import fcntl, socket, struct
            print(sorted(l.split(':')[0].strip() for l in open('/proc/net/dev').readlines()[2:]))
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                fcntl.ioctl(s, 0x8914, struct.pack('16sH14s', b'lo', 1, bytes(14)))  # SIOCSIFFLAGS IFF_UP
                print('configured')
            except OSError as e:
                print('refused', e.errno)
            """]);

        Assert.Equal("['lo']\nrefused 1\n", SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_a_run_leaving_an_abstract_socket_listener_Then_the_next_run_of_the_slot_cannot_reach_it()
    {
        // The runs of a slot may share its launcher's network namespace: nothing of a run may outlive it there.
        var name = $"coderunner-test-{Guid.NewGuid():N}";
        var outcomes = await sandbox.RunAsync([],
            new SandboxRun(["/usr/bin/python3", "-c", $$"""
                import os, socket, time
                if os.fork() == 0:
                    s = socket.socket(socket.AF_UNIX); s.bind('\0{{name}}'); s.listen(); print('listening', flush=True); time.sleep(30)
                else:
                    time.sleep(0.5)
                """], null, SandboxFixture.Limits()),
            new SandboxRun(["/usr/bin/python3", "-c", $$"""
                import socket
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect('\0{{name}}'); print('connected')
                except OSError as e:
                    print('refused', e.errno)
                """], null, SandboxFixture.Limits()));

        Assert.Equal("listening\n", SandboxFixture.Text(outcomes[0].Stdout));
        Assert.Equal("refused 111\n", SandboxFixture.Text(outcomes[1].Stdout));
    }

    [Fact]
    public async Task Given_canary_files_on_the_host_Then_the_program_cannot_read_them()
    {
        var besideBoxes = Path.Combine(sandbox.Root, "canary.txt");
        var inRoot = $"/root/coderunner-canary-{Guid.NewGuid():N}";
        File.WriteAllText(besideBoxes, "secret");
        File.WriteAllText(inRoot, "secret");
        try
        {
            var outcome = await sandbox.RunAsync(["/bin/sh", "-c", "for f in \"$@\"; do cat \"$f\" 2>/dev/null && echo LEAK; done; ls /etc; echo end", "sh",
                besideBoxes, inRoot, "/etc/shadow", "/etc/passwd", sandbox.Options.BoxRoot]);

            var stdout = SandboxFixture.Text(outcome.Stdout);
            Assert.DoesNotContain("secret", stdout);
            Assert.DoesNotContain("LEAK", stdout);
            Assert.DoesNotContain("shadow", stdout);
            Assert.EndsWith("end\n", stdout);
        }
        finally
        {
            File.Delete(inRoot);
        }
    }

    [Fact]
    public async Task Given_what_a_run_can_read_about_its_pid_1_itself_and_its_mounts_Then_no_host_path_appears()
    {
        var outcome = await sandbox.RunAsync(["/bin/sh", "-c", """
            for p in 1 self; do
              readlink /proc/$p/cwd /proc/$p/root /proc/$p/exe 2>/dev/null
              for f in cmdline environ mountinfo mounts cgroup; do tr '\0' ' ' < /proc/$p/$f 2>/dev/null; echo; done
            done
            echo end
            """]);

        var seen = SandboxFixture.Text(outcome.Stdout);
        Assert.EndsWith("end\n", seen);
        Assert.Contains("/box", seen);
        // The box's folder on the host, the worker's working directory, the slot's cgroups.
        Assert.DoesNotContain(sandbox.Root, seen);
        Assert.DoesNotContain(sandbox.Options.BoxRoot, seen);
        Assert.DoesNotContain(Environment.CurrentDirectory, seen);
        Assert.DoesNotContain(sandbox.Options.CgroupName, seen);
    }

    [Fact]
    public async Task Given_writes_to_usr_etc_and_the_root_Then_they_fail_and_the_host_is_unchanged()
    {
        var name = $"coderunner-probe-{Guid.NewGuid():N}";

        var outcome = await sandbox.RunAsync(["/bin/sh", "-c",
            "for d in /usr /usr/bin /etc /etc/alternatives /; do touch \"$d/$1\" 2>/dev/null && echo WROTE $d; done; mount -t tmpfs x /usr 2>/dev/null && echo MOUNTED; echo end", "sh", name]);

        Assert.Equal("end\n", SandboxFixture.Text(outcome.Stdout));
        Assert.False(File.Exists($"/usr/{name}"));
        Assert.False(File.Exists($"/usr/bin/{name}"));
        Assert.False(File.Exists($"/etc/{name}"));
    }

    [Fact]
    public async Task Given_files_left_in_tmp_and_dev_shm_Then_the_next_run_and_the_next_box_see_nothing()
    {
        var limits = SandboxFixture.Limits();
        var leave = new SandboxRun(["/bin/sh", "-c", "echo x > /tmp/left; echo x > /dev/shm/left; mkdir /tmp/d; ls /tmp /dev/shm"], null, limits);
        var look = new SandboxRun(["/bin/sh", "-c", "ls -A /tmp /dev/shm; ls -A /box"], null, limits);

        var sameBox = await sandbox.RunAsync([("main.c", "")], leave, look);
        var nextBox = await sandbox.RunAsync([], look);

        Assert.Contains("left", SandboxFixture.Text(sameBox[0].Stdout));
        Assert.Equal("/dev/shm:\n\n/tmp:\nmain.c\n", SandboxFixture.Text(sameBox[1].Stdout));
        Assert.Equal("/dev/shm:\n\n/tmp:\n", SandboxFixture.Text(nextBox[0].Stdout));
    }

    [Fact]
    public async Task Given_planted_symlinks_to_a_host_canary_Then_runs_and_the_wipe_leave_it_untouched()
    {
        var canary = Path.Combine(sandbox.Root, "canary-target");
        File.WriteAllText(canary, "original");
        File.SetUnixFileMode(canary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var before = new FileInfo(canary).LastWriteTimeUtc;
        var limits = SandboxFixture.Limits();
        // Every name the host could touch: the files it wrote, stdout/stderr/a.out-like names, a
        // folder it created, the box's own entries, and /tmp.
        var plant = new SandboxRun(["/bin/sh", "-c", """
            cd /box
            for n in main.c sub stdout stderr stdin a.out run.sh compile.sh output.txt box .box "$1"; do rm -rf "$n"; ln -s "$2" "$n"; done
            ln -s "$3" dirlink
            for n in /tmp/stdout /tmp/stderr /tmp/box /dev/shm/x; do ln -s "$2" "$n"; done
            ls -la /box | wc -l
            """, "sh", Path.GetFileName(sandbox.Options.BoxRoot), canary, sandbox.Root], null, limits);
        var again = new SandboxRun(["/bin/sh", "-c", "echo written-through-link > stdout 2>/dev/null; cat main.c 2>&1; echo done"], "stdin data"u8.ToArray(), limits);

        var outcomes = await sandbox.RunAsync([("main.c", "int main(){}"), ("sub/inner.txt", "x")], plant, again);

        Assert.True(outcomes[0].ExitCode == 0, SandboxFixture.Describe(outcomes[0]));
        Assert.EndsWith("done\n", SandboxFixture.Text(outcomes[1].Stdout));
        Assert.Equal("original", File.ReadAllText(canary));
        Assert.Equal(0, (int)GetOwner(canary));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(canary));
        Assert.Equal(before, new FileInfo(canary).LastWriteTimeUtc);
        Assert.True(Directory.Exists(sandbox.Root));
    }

    [Fact]
    public async Task Given_a_box_that_has_run_Then_writing_files_into_it_is_refused()
    {
        await using var box = await sandbox.Sandbox.CreateBoxAsync(0, CancellationToken.None);
        box.WriteFile("a.txt", "x"u8);
        Assert.Throws<IOException>(() => box.WriteFile("a.txt", "y"u8));
        Assert.Throws<ArgumentException>(() => box.WriteFile("../escape", "y"u8));
        Assert.Throws<ArgumentException>(() => box.WriteFile("/etc/escape", "y"u8));

        await box.RunAsync(new SandboxRun(["/usr/bin/true"], null, SandboxFixture.Limits()), CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => box.WriteFile("b.txt", "y"u8));
    }

    private static uint GetOwner(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return uint.Parse(owner, System.Globalization.CultureInfo.InvariantCulture);
    }
}
