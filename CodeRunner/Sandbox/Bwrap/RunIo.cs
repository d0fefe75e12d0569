using System.Runtime.InteropServices;
using CodeRunner.Sandbox.Native;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// The pipes of one run. Child side: 0 stdin (pipe or /dev/null), 1 stdout, 2 stderr (or the
/// stdout pipe when merged), 3 the status channel (the launcher's "ok", then bwrap's JSON), 4 the
/// same channel for the reaper. Our ends are non-blocking and polled together, so a large stdin
/// cannot deadlock against a full stdout.
/// </summary>
internal sealed unsafe class RunIo : IDisposable
{
    private readonly byte[] stdinData;
    private readonly Stream[] streams;
    private readonly List<int> childEnds = [];
    private int stdinWrite = -1;
    private int stdinOffset;
    private readonly byte[] chunk = new byte[64 * 1024];

    public RunIo(SandboxRun run, long cap)
    {
        stdinData = run.Stdin ?? [];
        int stdinRead = -1;
        if (stdinData.Length > 0)
        {
            (stdinRead, stdinWrite) = Spawner.Pipe();
            childEnds.Add(stdinRead);
            Spawner.SetNonBlocking(stdinWrite);
        }
        var stdout = new Stream(Pipe(), new CappedBuffer(cap));
        var stderr = run.RedirectStderrToStdout ? null : new Stream(Pipe(), new CappedBuffer(cap));
        var status = new Stream(Pipe(), new CappedBuffer(16 * 1024));
        streams = stderr is null ? [stdout, status] : [stdout, stderr, status];
        StdoutStream = stdout;
        StderrStream = stderr;
        StatusStream = status;
        ChildFds = [stdinRead, stdout.ChildEnd, (stderr ?? stdout).ChildEnd, status.ChildEnd, status.ChildEnd];
    }

    /// <summary>
    /// The launcher's variant: stdout, stderr and status are the slot's FIFOs, opened for reading
    /// before the launcher is told to run (so its opens for writing do not block); stdin is a file.
    /// </summary>
    public RunIo(SlotLauncher launcher, SandboxRun run, long cap)
    {
        stdinData = [];
        var stdout = new Stream(OpenFifo(launcher.Out), new CappedBuffer(cap));
        var stderr = run.RedirectStderrToStdout ? null : new Stream(OpenFifo(launcher.Err), new CappedBuffer(cap));
        var status = new Stream(OpenFifo(launcher.Status), new CappedBuffer(16 * 1024));
        streams = stderr is null ? [stdout, status] : [stdout, stderr, status];
        StdoutStream = stdout;
        StderrStream = stderr;
        StatusStream = status;
        ChildFds = [];
    }

    public IReadOnlyList<int> ChildFds { get; }

    private Stream StdoutStream { get; }

    private Stream? StderrStream { get; }

    private Stream StatusStream { get; }

    public bool OutputOverflowed => StdoutStream.Buffer.Overflowed || (StderrStream?.Buffer.Overflowed ?? false);

    public bool AllClosed => streams.All(s => s.Fd < 0);

    public bool Launched => Encoding.ASCII.GetString(StatusStream.Buffer.ToArray()).StartsWith("ok", StringComparison.Ordinal);

    /// <summary>What the reaper reported on the status channel.</summary>
    public ReaperReport Reaper => ReaperReport.Parse(Encoding.ASCII.GetString(StatusStream.Buffer.ToArray()));

    public (byte[] Stdout, byte[] Stderr) Results() => (StdoutStream.Buffer.ToArray(), StderrStream?.Buffer.ToArray() ?? []);

    public void CloseChildEnds()
    {
        foreach (var fd in childEnds)
        {
            Libc.Close(fd);
        }
        childEnds.Clear();
    }

    public void CloseStdin()
    {
        if (stdinWrite >= 0)
        {
            Libc.Close(stdinWrite);
            stdinWrite = -1;
        }
    }

    /// <summary>Waits up to timeoutMs for any pipe or the pidfd, then moves whatever is ready.</summary>
    public void Poll(int pidfd, int timeoutMs, out bool childExited)
    {
        var fds = stackalloc Libc.PollFd[5];
        var n = 0;
        foreach (var s in streams)
        {
            fds[n++] = new Libc.PollFd { Fd = s.Fd, Events = Libc.POLLIN };
        }
        var stdinIndex = n;
        fds[n++] = new Libc.PollFd { Fd = stdinWrite, Events = Libc.POLLOUT };
        var pidIndex = n;
        fds[n++] = new Libc.PollFd { Fd = pidfd, Events = Libc.POLLIN };

        childExited = false;
        if (Libc.Poll(fds, (nuint)n, timeoutMs) <= 0)
        {
            return; // timeout or EINTR: the caller loops anyway
        }
        for (var i = 0; i < streams.Length; i++)
        {
            if (fds[i].Fd >= 0 && fds[i].Revents != 0)
            {
                Drain(streams[i]);
            }
        }
        if (stdinWrite >= 0 && fds[stdinIndex].Revents != 0)
        {
            FeedStdin();
        }
        childExited = pidfd >= 0 && fds[pidIndex].Revents != 0;
    }

    /// <summary>
    /// Reads every open stream to its end. Only once nothing of the run is left: then no writer
    /// remains, so nothing of this run can stay in a reused FIFO for the next one.
    /// </summary>
    public void DrainAll()
    {
        foreach (var s in streams)
        {
            if (s.Fd >= 0)
            {
                Drain(s);
            }
        }
    }

    public void Dispose()
    {
        CloseChildEnds();
        CloseStdin();
        foreach (var s in streams)
        {
            s.Close();
        }
    }

    private void Drain(Stream s)
    {
        fixed (byte* p = chunk)
        {
            while (true)
            {
                var r = Libc.Read(s.Fd, p, chunk.Length);
                if (r > 0)
                {
                    s.Buffer.Append(chunk.AsSpan(0, (int)r));
                    continue;
                }
                if (r < 0 && Marshal.GetLastPInvokeError() is Libc.EAGAIN)
                {
                    return;
                }
                if (r < 0 && Marshal.GetLastPInvokeError() is Libc.EINTR)
                {
                    continue;
                }
                s.Close(); // EOF (or a read error, which we treat alike)
                return;
            }
        }
    }

    private void FeedStdin()
    {
        fixed (byte* p = stdinData)
        {
            while (stdinOffset < stdinData.Length)
            {
                var w = Libc.Write(stdinWrite, p + stdinOffset, stdinData.Length - stdinOffset);
                if (w > 0)
                {
                    stdinOffset += (int)w;
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (w < 0 && errno is Libc.EAGAIN)
                {
                    return;
                }
                if (w < 0 && errno is Libc.EINTR)
                {
                    continue;
                }
                break; // EPIPE: the program stopped reading
            }
        }
        CloseStdin();
    }

    private (int Read, int Write) Pipe()
    {
        var (r, w) = Spawner.Pipe();
        childEnds.Add(w);
        return (r, w);
    }

    private static (int Read, int Write) OpenFifo(string path)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new IOException($"open {path}: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }
        return (fd, -1);
    }

    private sealed class Stream
    {
        public Stream((int Read, int Write) pipe, CappedBuffer buffer)
        {
            Fd = pipe.Read;
            ChildEnd = pipe.Write;
            Buffer = buffer;
            Spawner.SetNonBlocking(Fd);
        }

        public int Fd { get; private set; }

        public int ChildEnd { get; }

        public CappedBuffer Buffer { get; }

        public void Close()
        {
            if (Fd >= 0)
            {
                Libc.Close(Fd);
                Fd = -1;
            }
        }
    }
}
