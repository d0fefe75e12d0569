using CodeRunner.Sandbox.Native;

namespace CodeRunner.Sandbox.Seccomp;

/// <summary>
/// The seccomp filter of every run (Docker's and isolate's practice): everything is allowed but a
/// list of calls that reach kernel-wide state no namespace isolates (AF_VSOCK and other socket
/// families, io_uring, keyrings, aio contexts, bpf, perf, userfaultfd), change the host (modules,
/// kexec, clocks, swap, reboot, accounting, quotas) or undo the sandbox (mounts, namespaces,
/// ptrace). Denied calls fail with EPERM; clone3 with ENOSYS, so glibc falls back to clone, whose
/// flags the filter can see. Calls of another architecture (i386 int 0x80, x32) kill the caller:
/// libseccomp's default for a foreign architecture. Built once per worker with libseccomp and
/// handed to bwrap as a BPF program (--seccomp), which loads it right before it execs the reaper,
/// after its own mount and namespace setup; the program inherits it.
/// </summary>
internal static class SyscallFilter
{
    /// <summary>The fd on which bwrap reads the program (the launchers open the file there).</summary>
    public const int Fd = 5;

    private const int EPERM = 1;
    private const int ENOSYS = 38;

    private static readonly string[] Denied =
    [
        "io_uring_setup", "io_uring_enter", "io_uring_register",
        "keyctl", "add_key", "request_key",
        "bpf", "perf_event_open", "userfaultfd",
        "kexec_load", "kexec_file_load",
        "init_module", "finit_module", "delete_module", "create_module", "get_kernel_syms", "query_module",
        "mount", "umount2", "pivot_root", "unshare", "setns",
        "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
        "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
        "acct", "swapon", "swapoff", "reboot",
        // fs.aio-max-nr is one pool for the whole host.
        "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
        "open_by_handle_at", "name_to_handle_at", "quotactl", "quotactl_fd", "syslog", "lookup_dcookie", "fanotify_init",
        "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "vhangup", "uselib", "ustat", "sysfs", "_sysctl", "nfsservctl", "iopl", "ioperm",
    ];

    // CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
    private static readonly ulong[] NamespaceFlags = [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000];

    // AF_UNIX, AF_INET, AF_INET6: every other family is denied.
    private static readonly ulong[] SocketFamilies = [1, 2, 10];

    /// <summary>Where the worker keeps the program: root-owned, readable by the slots' uids, outside every box.</summary>
    public static string? PathFor(SandboxOptions options) => options.Seccomp ? Path.Combine(options.BoxRoot, "seccomp.bpf") : null;

    /// <summary>Builds the program and replaces <paramref name="path"/> with it (0644, owned by the caller).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static void Write(string path)
    {
        var temporary = path + ".new";
        using (var file = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
        {
            Export(file.DangerousGetHandle().ToInt32());
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static unsafe void Export(int fd)
    {
        var ctx = LibSeccomp.Init(LibSeccomp.ActAllow);
        if (ctx == 0)
        {
            throw new InvalidOperationException("seccomp_init failed");
        }
        try
        {
            foreach (var (name, errno, compare) in Rules())
            {
                var nr = LibSeccomp.ResolveName(name);
                if (nr == LibSeccomp.NrError)
                {
                    throw new InvalidOperationException($"libseccomp does not know the system call {name}: the sandbox needs libseccomp 2.5.4 or later");
                }
                var cmp = compare.GetValueOrDefault();
                var rc = LibSeccomp.RuleAddArray(ctx, LibSeccomp.ActErrno(errno), nr, compare is null ? 0u : 1u, &cmp);
                if (rc < 0)
                {
                    throw new InvalidOperationException($"seccomp_rule_add({name}) failed: {Libc.ErrorText(-rc)}");
                }
            }
            var exported = LibSeccomp.ExportBpf(ctx, fd);
            if (exported < 0)
            {
                throw new IOException($"seccomp_export_bpf failed: {Libc.ErrorText(-exported)}");
            }
        }
        finally
        {
            LibSeccomp.Release(ctx);
        }
    }

    /// <summary>
    /// Every rule: system call, errno, and at most one comparison on its first argument (libseccomp
    /// takes one per argument and rule; rules of one call are alternatives).
    /// </summary>
    private static IEnumerable<(string Name, int Errno, LibSeccomp.ArgCmp? Compare)> Rules()
    {
        foreach (var name in Denied)
        {
            yield return (name, EPERM, null);
        }
        yield return ("clone3", ENOSYS, null);
        foreach (var flag in NamespaceFlags)
        {
            yield return ("clone", EPERM, Masked(flag, flag));
        }
        // Any family but the allowed ones, as 64-bit values: above 15 (which also catches garbage in
        // the upper half, that the kernel would drop), or one of the others up to 15.
        foreach (var call in new[] { "socket", "socketpair" })
        {
            yield return (call, EPERM, new LibSeccomp.ArgCmp { Arg = 0, Op = LibSeccomp.CmpGt, DatumA = 15 });
            for (var family = 0UL; family <= 15; family++)
            {
                if (!SocketFamilies.Contains(family))
                {
                    yield return (call, EPERM, new LibSeccomp.ArgCmp { Arg = 0, Op = LibSeccomp.CmpEq, DatumA = family });
                }
            }
        }
        foreach (var rule in Personality())
        {
            yield return ("personality", EPERM, rule);
        }
    }

    /// <summary>
    /// personality(2) is allowed only with Docker's values: 0 (PER_LINUX), 8 (PER_LINUX32), 0x20000
    /// (UNAME26), 0x20008 and 0xffffffff (the query); ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC and the
    /// rest are denied. The kernel reads an unsigned int, so the rules look at the low 32 bits only.
    /// A value is allowed exactly when its 30 bits other than 3 and 17 are all clear, or all of its
    /// 32 bits are set. Denied therefore: those 30 bits are not all equal (then, going round them
    /// in a circle, some set bit is followed by a clear one: one rule per neighbouring pair), or
    /// they are all set and bit 3 or bit 17 is clear.
    /// </summary>
    private static IEnumerable<LibSeccomp.ArgCmp> Personality()
    {
        var others = Enumerable.Range(0, 32).Where(b => b is not 3 and not 17).Select(b => 1UL << b).ToArray();
        for (var i = 0; i < others.Length; i++)
        {
            var next = others[(i + 1) % others.Length];
            yield return Masked(others[i] | next, others[i]);
        }
        var all = others.Aggregate(0UL, (a, b) => a | b);
        yield return Masked(all | 1UL << 3, all);
        yield return Masked(all | 1UL << 17, all);
    }

    private static LibSeccomp.ArgCmp Masked(ulong mask, ulong value) =>
        new() { Arg = 0, Op = LibSeccomp.CmpMaskedEq, DatumA = mask, DatumB = value };
}
