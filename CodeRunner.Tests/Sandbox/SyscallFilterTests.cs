using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>
/// The seccomp filter of every run: calls that reach kernel-wide state or undo the sandbox fail,
/// what programs need keeps working. Each C program prints "name errno" (0: the call succeeded)
/// per call; the arguments are chosen so that without the filter most calls succeed or fail
/// with another errno, and none changes anything should it succeed.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SyscallFilterTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const int EPERM = 1;
    private const int ENOSYS = 38;

    private const string Prelude = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <pthread.h>
        #include <sched.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/socket.h>
        #include <sys/syscall.h>
        #include <sys/wait.h>
        #include <unistd.h>
        static void report(const char *name, long r) { printf("%s %d\n", name, r < 0 ? errno : 0); }
        #define T(name, ...) do { errno = 0; long r_ = syscall(__VA_ARGS__); report(name, r_); } while (0)
        """;

    private static readonly string[] DeniedCalls =
    [
        "io_uring_setup", "io_uring_enter", "io_uring_register", "keyctl", "add_key", "request_key", "bpf",
        "perf_event_open", "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module",
        "delete_module", "mount", "umount2", "pivot_root", "unshare_newuser", "unshare_newns", "setns",
        "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr", "ptrace",
        "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "acct", "swapon", "swapoff", "reboot",
        "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
        "open_by_handle_at", "name_to_handle_at", "quotactl", "syslog", "lookup_dcookie", "fanotify_init",
        "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "vhangup", "uselib", "ustat", "sysfs",
        "_sysctl", "nfsservctl", "iopl", "ioperm",
    ];

    private static Dictionary<string, int> Results(SandboxOutcome outcome)
    {
        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(outcome));
        return SandboxFixture.Text(outcome.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(f => f[0], f => int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Given_calls_that_reach_the_host_kernel_or_undo_the_sandbox_Then_each_fails_with_EPERM()
    {
        var outcome = await sandbox.RunCAsync(Prelude + "\n" + """
            int main(void) {
              int ctx = 0; unsigned long aio = 0; char buf[64];
              T("io_uring_setup", SYS_io_uring_setup, 1, NULL);
              T("io_uring_enter", SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
              T("io_uring_register", SYS_io_uring_register, -1, 0, NULL, 0);
              T("keyctl", SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
              T("add_key", SYS_add_key, NULL, NULL, NULL, 0, 0);
              T("request_key", SYS_request_key, NULL, NULL, NULL, 0);
              T("bpf", SYS_bpf, 9999, NULL, 0);
              T("perf_event_open", SYS_perf_event_open, NULL, 0, -1, -1, 0);
              T("userfaultfd", SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */);
              T("kexec_load", SYS_kexec_load, 0, 0, NULL, 0);
              T("kexec_file_load", SYS_kexec_file_load, -1, -1, 0, NULL, 0);
              T("init_module", SYS_init_module, NULL, 0, NULL);
              T("finit_module", SYS_finit_module, -1, NULL, 0);
              T("delete_module", SYS_delete_module, NULL, 0);
              T("mount", SYS_mount, NULL, NULL, NULL, 0, NULL);
              T("umount2", SYS_umount2, NULL, 0);
              T("pivot_root", SYS_pivot_root, NULL, NULL);
              T("unshare_newuser", SYS_unshare, CLONE_NEWUSER);
              T("unshare_newns", SYS_unshare, CLONE_NEWNS);
              T("setns", SYS_setns, -1, 0);
              T("fsopen", SYS_fsopen, NULL, 0);
              T("fsconfig", SYS_fsconfig, -1, 0, NULL, NULL, 0);
              T("fsmount", SYS_fsmount, -1, 0, 0);
              T("fspick", SYS_fspick, -1, NULL, 0);
              T("move_mount", SYS_move_mount, -1, NULL, -1, NULL, 0);
              T("open_tree", SYS_open_tree, -100 /* AT_FDCWD */, "/", 0);
              T("mount_setattr", SYS_mount_setattr, -1, NULL, 0, NULL, 0);
              T("ptrace", SYS_ptrace, 2 /* PTRACE_PEEKDATA */, 999999, NULL, NULL);
              T("process_vm_readv", SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0);
              T("process_vm_writev", SYS_process_vm_writev, getpid(), NULL, 0, NULL, 0, 0);
              T("kcmp", SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 0, 0);
              T("pidfd_getfd", SYS_pidfd_getfd, -1, 0, 0);
              T("acct", SYS_acct, NULL);
              T("swapon", SYS_swapon, NULL, 0);
              T("swapoff", SYS_swapoff, NULL);
              T("reboot", SYS_reboot, 0, 0, 0, NULL);
              T("io_setup", SYS_io_setup, 1, &aio);
              T("io_destroy", SYS_io_destroy, 0);
              T("io_submit", SYS_io_submit, 0, 0, NULL);
              T("io_cancel", SYS_io_cancel, 0, NULL, NULL);
              T("io_getevents", SYS_io_getevents, 0, 0, 0, NULL, NULL);
              T("io_pgetevents", SYS_io_pgetevents, 0, 0, 0, NULL, NULL, NULL);
              T("open_by_handle_at", SYS_open_by_handle_at, -1, NULL, 0);
              T("name_to_handle_at", SYS_name_to_handle_at, -100, "/", NULL, NULL, 0);
              T("quotactl", SYS_quotactl, 0, NULL, 0, NULL);
              T("syslog", SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
              T("lookup_dcookie", SYS_lookup_dcookie, 0, NULL, 0);
              T("fanotify_init", SYS_fanotify_init, 0, 0);
              T("settimeofday", SYS_settimeofday, NULL, NULL);
              T("clock_settime", SYS_clock_settime, 0, NULL);
              T("clock_adjtime", SYS_clock_adjtime, 0, NULL);
              T("adjtimex", SYS_adjtimex, NULL);
              T("vhangup", SYS_vhangup);
              T("uselib", SYS_uselib, NULL);
              T("ustat", SYS_ustat, 0, NULL);
              T("sysfs", SYS_sysfs, 3);
              T("_sysctl", SYS__sysctl, NULL);
              T("nfsservctl", SYS_nfsservctl, 0, NULL, NULL);
              T("iopl", SYS_iopl, 0);
              T("ioperm", SYS_ioperm, 0, 0, 0);
              (void)ctx; (void)buf;
              return 0;
            }
            """);

        var results = Results(outcome);
        Assert.Equal(DeniedCalls.Order(), results.Keys.Order());
        Assert.Empty(results.Where(r => r.Value != EPERM).Select(r => $"{r.Key} {r.Value}"));
    }

    [Fact]
    public async Task Given_sockets_of_each_address_family_Then_only_unix_and_ip_ones_can_be_created()
    {
        var outcome = await sandbox.RunCAsync(Prelude + "\n" + """
            int main(void) {
              int sv[2];
              errno = 0; report("unix", socket(AF_UNIX, SOCK_STREAM, 0));
              errno = 0; report("inet", socket(AF_INET, SOCK_DGRAM, 0));
              errno = 0; report("inet6", socket(AF_INET6, SOCK_STREAM, 0));
              errno = 0; report("unix_pair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
              errno = 0; report("vsock", socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
              errno = 0; report("netlink", socket(AF_NETLINK, SOCK_RAW, 0));
              errno = 0; report("alg", socket(38 /* AF_ALG */, SOCK_SEQPACKET, 0));
              errno = 0; report("vsock_pair", socketpair(40, SOCK_STREAM, 0, sv));
              /* The kernel reads an int: garbage in the upper half must not pass as AF_UNIX. */
              T("vsock_upper_bits", SYS_socket, 0x100000000L | 40, SOCK_STREAM, 0);
              return 0;
            }
            """);

        Assert.Equal(new Dictionary<string, int>
        {
            ["unix"] = 0, ["inet"] = 0, ["inet6"] = 0, ["unix_pair"] = 0,
            ["vsock"] = EPERM, ["netlink"] = EPERM, ["alg"] = EPERM, ["vsock_pair"] = EPERM, ["vsock_upper_bits"] = EPERM,
        }, Results(outcome));
    }

    [Fact]
    public async Task Given_clone_with_a_namespace_flag_or_clone3_Then_they_fail_while_fork_and_threads_work()
    {
        var outcome = await sandbox.RunCAsync(Prelude + "\n" + """
            static void *thread(void *arg) { return arg; }
            static void clone_with(const char *name, long flags) {
              errno = 0;
              long r = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
              if (r == 0) _exit(0);
              if (r > 0) waitpid(r, NULL, 0);
              report(name, r);
            }
            int main(void) {
              pthread_t t;
              int r = pthread_create(&t, NULL, thread, NULL);
              if (r == 0) pthread_join(t, NULL);
              printf("pthread %d\n", r);
              pid_t p = fork();
              if (p == 0) _exit(0);
              if (p > 0) waitpid(p, NULL, 0);
              report("fork", p);
              clone_with("clone", 0);
              clone_with("newns", CLONE_NEWNS);
              clone_with("newuts", CLONE_NEWUTS);
              clone_with("newipc", CLONE_NEWIPC);
              clone_with("newuser", CLONE_NEWUSER);
              clone_with("newpid", CLONE_NEWPID);
              clone_with("newnet", CLONE_NEWNET);
              clone_with("newcgroup", CLONE_NEWCGROUP);
              T("clone3", SYS_clone3, NULL, 0);
              return 0;
            }
            """);

        Assert.Equal(new Dictionary<string, int>
        {
            ["pthread"] = 0, ["fork"] = 0, ["clone"] = 0,
            ["newns"] = EPERM, ["newuts"] = EPERM, ["newipc"] = EPERM, ["newuser"] = EPERM, ["newpid"] = EPERM, ["newnet"] = EPERM, ["newcgroup"] = EPERM,
            ["clone3"] = ENOSYS,
        }, Results(outcome));
    }

    [Fact]
    public async Task Given_personality_Then_only_the_query_and_harmless_values_are_allowed()
    {
        var outcome = await sandbox.RunCAsync(Prelude + "\n" + """
            int main(void) {
              T("query", SYS_personality, 0xffffffffL);
              T("linux32", SYS_personality, 0x0008);
              T("uname26", SYS_personality, 0x20000);
              T("linux32_uname26", SYS_personality, 0x20008);
              T("linux", SYS_personality, 0);
              T("addr_no_randomize", SYS_personality, 0x0040000);
              T("read_implies_exec", SYS_personality, 0x0400000);
              T("short_inode", SYS_personality, 0x1000000);
              T("all_but_bit_3", SYS_personality, 0xfffffff7L);
              T("addr_no_randomize_upper_bits", SYS_personality, 0x100000000L | 0x0040000);
              return 0;
            }
            """);

        Assert.Equal(new Dictionary<string, int>
        {
            ["query"] = 0, ["linux32"] = 0, ["uname26"] = 0, ["linux32_uname26"] = 0, ["linux"] = 0,
            ["addr_no_randomize"] = EPERM, ["read_implies_exec"] = EPERM, ["short_inode"] = EPERM, ["all_but_bit_3"] = EPERM,
            ["addr_no_randomize_upper_bits"] = EPERM,
        }, Results(outcome));
    }

    [Fact]
    public async Task Given_io_setup_in_a_loop_Then_it_reserves_nothing_of_the_hosts_aio_pool()
    {
        // fs.aio-nr counts the whole host's reserved aio events; /proc/sys shows the host's value.
        var outcome = await sandbox.RunCAsync(Prelude + "\n" + """
            static long aio_nr(void) { long n = -1; FILE *f = fopen("/proc/sys/fs/aio-nr", "r"); if (f) { fscanf(f, "%ld", &n); fclose(f); } return n; }
            int main(void) {
              long before = aio_nr(); int reserved = 0, error = 0;
              for (int i = 0; i < 100; i++) { unsigned long ctx = 0; if (syscall(SYS_io_setup, 256, &ctx) == 0) reserved++; else error = errno; }
              printf("reserved %d\n", reserved);
              printf("errno %d\n", error);
              printf("grew %d\n", aio_nr() > before);
              return 0;
            }
            """);

        Assert.Equal(new Dictionary<string, int> { ["reserved"] = 0, ["errno"] = EPERM, ["grew"] = 0 }, Results(outcome));
    }

    [Fact]
    public async Task Given_a_system_call_of_the_x32_ABI_Then_the_program_is_killed()
    {
        var outcome = await sandbox.RunCAsync(Prelude + "\n" + """
            int main(void) { T("x32_getpid", 0x40000000L | SYS_getpid); return 0; }
            """);

        Assert.True(outcome is { Termination: SandboxTermination.Signaled, Signal: 31 /* SIGSYS */ }, SandboxFixture.Describe(outcome));
    }

    [Fact]
    public async Task Given_a_program_opening_ptys_Then_it_gets_none_and_the_hosts_pty_pool_does_not_grow()
    {
        // kernel.pty.nr counts the ptys of every devpts instance on the host; /proc/sys shows the host's value.
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "-c", """
            import os
            nr = lambda: int(open('/proc/sys/kernel/pty/nr').read())
            before, held = nr(), []
            for name, opener in [('ptmx', lambda: os.open('/dev/ptmx', os.O_RDWR | os.O_NOCTTY)),
                                 ('pts_ptmx', lambda: os.open('/dev/pts/ptmx', os.O_RDWR | os.O_NOCTTY)),
                                 ('openpty', os.openpty)]:
                try:
                    held.append(opener()); print(name, 'opened')
                except OSError as e:
                    print(name, 'failed')
            print('grew', nr() > before)
            """]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(outcome));
        Assert.Equal("ptmx failed\npts_ptmx failed\nopenpty failed\ngrew False\n", SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_runs_without_the_slot_launcher_Then_they_have_the_filter_and_no_pty_either()
    {
        using var direct = new SandboxFixture(launcher: false);

        var outcome = await direct.RunAsync(["/usr/bin/python3", "-c", """
            import os, socket
            try:
                socket.socket(40, socket.SOCK_STREAM); print('vsock created')
            except OSError as e:
                print('vsock', e.errno)
            print('ptmx', os.path.exists('/dev/ptmx'))
            """]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(outcome));
        Assert.Equal("vsock 1\nptmx False\n", SandboxFixture.Text(outcome.Stdout));
    }
}
