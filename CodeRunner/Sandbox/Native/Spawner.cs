using System.Runtime.InteropServices;

namespace CodeRunner.Sandbox.Native;

/// <summary>
/// posix_spawn with exactly the fds we choose: 0..3 mapped, everything above closed, every signal
/// back to default (the runtime ignores SIGPIPE, which children would otherwise inherit), its own
/// session so terminal signals aimed at the worker do not reach it.
/// </summary>
internal static unsafe class Spawner
{
    // glibc's opaque structs are 80 and 336 bytes and sigset_t 128; over-allocate.
    private const int OpaqueSize = 1024;

    /// <param name="childFds">fd in this process for child fd 0, 1, 2, 3...; -1 for /dev/null.</param>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp, IReadOnlyList<int> childFds)
    {
        var pool = new List<nint>();
        byte* Utf8(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            var p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.AsSpan().CopyTo(new Span<byte>(p, bytes.Length));
            p[bytes.Length] = 0;
            pool.Add((nint)p);
            return p;
        }
        byte** Vector(IReadOnlyList<string> items)
        {
            var v = (byte**)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(byte*));
            pool.Add((nint)v);
            for (var i = 0; i < items.Count; i++)
            {
                v[i] = Utf8(items[i]);
            }
            v[items.Count] = null;
            return v;
        }

        var actions = NativeMemory.AllocZeroed(OpaqueSize);
        var attr = NativeMemory.AllocZeroed(OpaqueSize);
        var sigset = NativeMemory.AllocZeroed(OpaqueSize);
        try
        {
            Check(Libc.FileActionsInit(actions), "posix_spawn_file_actions_init");
            Check(Libc.AttrInit(attr), "posix_spawnattr_init");
            var devNull = Utf8("/dev/null");
            for (var fd = 0; fd < childFds.Count; fd++)
            {
                Check(childFds[fd] < 0
                    ? Libc.FileActionsAddOpen(actions, fd, devNull, fd == 0 ? Libc.O_RDONLY : 1, 0)
                    : Libc.FileActionsAddDup2(actions, childFds[fd], fd), "posix_spawn_file_actions_add");
            }
            Check(Libc.FileActionsAddCloseFrom(actions, childFds.Count), "posix_spawn_file_actions_addclosefrom_np");
            Libc.SigFillSet(sigset);
            Check(Libc.AttrSetSigDefault(attr, sigset), "posix_spawnattr_setsigdefault");
            Libc.SigEmptySet(sigset);
            Check(Libc.AttrSetSigMask(attr, sigset), "posix_spawnattr_setsigmask");
            Check(Libc.AttrSetFlags(attr, Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSID), "posix_spawnattr_setflags");

            int pid;
            var rc = Libc.PosixSpawn(&pid, Utf8(path), actions, attr, Vector(argv), Vector(envp));
            Check(rc, $"posix_spawn {path}");
            return pid;
        }
        finally
        {
            Libc.FileActionsDestroy(actions);
            Libc.AttrDestroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            foreach (var p in pool)
            {
                NativeMemory.Free((void*)p);
            }
        }
    }

    /// <summary>A pipe whose both ends are close-on-exec; the spawn dup2s the child's end (which clears it).</summary>
    public static (int Read, int Write) Pipe()
    {
        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
        {
            throw new IOException($"pipe2: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }
        return (fds[0], fds[1]);
    }

    public static void SetNonBlocking(int fd)
    {
        var flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0)
        {
            throw new IOException($"fcntl O_NONBLOCK: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }
    }

    private static void Check(int rc, string what)
    {
        // posix_spawn* return the error number instead of setting errno.
        if (rc != 0)
        {
            throw new IOException($"{what}: {Libc.ErrorText(rc)}");
        }
    }
}
