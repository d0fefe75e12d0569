using System.Runtime.InteropServices;

namespace CodeRunner.Sandbox.Native;

/// <summary>
/// Whole-file reads and writes with plain open/read/write/close, for the small files a run touches
/// several times (cgroupfs knobs, the launcher's argv and stdin). .NET's File.Write* take an flock
/// and then ftruncate to 0, and File.Read* allocate a stream and a reader: per run that was a
/// visible share of the worker's own CPU. Truncating to 0 and refilling also made ext4 (mounted
/// with discard) free and discard the file's blocks on every run, synchronously; here a file is
/// overwritten in place and cut only where the new content is shorter.
/// </summary>
internal static unsafe class RawFile
{
    private const int O_WRONLY = 0x1;
    private const int O_CREAT = 0x40;
    private const int SeekEnd = 2;
    private const int ENOENT = 2;
    private const int EACCES = 13;
    private const int EPERM = 1;

    /// <summary>
    /// Makes the file hold exactly <paramref name="bytes"/> (created 0644 if missing), written in one
    /// write(2) where the kernel takes it whole (cgroupfs needs that).
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var fd = OpenOrThrow(path, O_WRONLY | O_CREAT | Libc.O_CLOEXEC, 420u);
        try
        {
            var w = WriteAll(fd, bytes);
            if (w != bytes.Length)
            {
                throw Failure(path, w < 0 ? Marshal.GetLastPInvokeError() : 0);
            }
            if (Libc.Lseek(fd, 0, SeekEnd) > bytes.Length && Libc.Ftruncate(fd, bytes.Length) < 0)
            {
                throw Failure(path, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public static void Write(string path, string text) => Write(path, Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// write(2) until every byte is taken, retrying when a signal interrupts. Returns the length
    /// written, or the failed write's result (0, or -1 with the error left in the last P/Invoke error).
    /// </summary>
    public static long WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            var off = 0;
            while (off < bytes.Length)
            {
                var w = Libc.Write(fd, p + off, bytes.Length - off);
                if (w < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
                {
                    continue;
                }
                if (w <= 0)
                {
                    return w;
                }
                off += (int)w;
            }
            return off;
        }
    }

    /// <summary>The whole file as UTF-8 text.</summary>
    public static string ReadText(string path)
    {
        var fd = OpenOrThrow(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try
        {
            Span<byte> small = stackalloc byte[1024];
            var length = 0;
            byte[]? large = null;
            while (true)
            {
                var buffer = large is null ? small : large.AsSpan();
                if (length == buffer.Length)
                {
                    var grown = new byte[buffer.Length * 4];
                    buffer.CopyTo(grown);
                    large = grown;
                    buffer = grown;
                }
                nint r;
                fixed (byte* p = buffer)
                {
                    r = Libc.Read(fd, p + length, buffer.Length - length);
                }
                if (r < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
                {
                    continue;
                }
                if (r < 0)
                {
                    throw Failure(path, Marshal.GetLastPInvokeError());
                }
                if (r == 0)
                {
                    return Encoding.UTF8.GetString(large is null ? small[..length] : large.AsSpan(0, length));
                }
                length += (int)r;
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static int OpenOrThrow(string path, int flags, uint mode)
    {
        while (true)
        {
            var fd = Libc.Open(path, flags, mode);
            if (fd >= 0)
            {
                return fd;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
            {
                throw Failure(path, errno);
            }
        }
    }

    private static Exception Failure(string path, int errno) => errno switch
    {
        ENOENT => new FileNotFoundException($"{path}: {Libc.ErrorText(errno)}", path),
        EACCES or EPERM => new UnauthorizedAccessException($"{path}: {Libc.ErrorText(errno)}"),
        0 => new IOException($"{path}: short write"),
        _ => new IOException($"{path}: {Libc.ErrorText(errno)}"),
    };
}
