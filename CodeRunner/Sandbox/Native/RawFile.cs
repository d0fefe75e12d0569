using System.Runtime.InteropServices;

namespace CodeRunner.Sandbox.Native;

/// <summary>
/// Whole-file reads and writes with plain open/read/write/close, for the small files a run touches
/// several times (cgroupfs knobs, the launcher's argv and stdin). .NET's File.Write* take an flock
/// and then ftruncate instead of O_TRUNC, and File.Read* allocate a stream and a reader: per run
/// that was a visible share of the worker's own CPU.
/// </summary>
internal static unsafe class RawFile
{
    private const int O_WRONLY = 0x1;
    private const int O_CREAT = 0x40;
    private const int O_TRUNC = 0x200;
    private const int ENOENT = 2;
    private const int EACCES = 13;
    private const int EPERM = 1;

    /// <summary>
    /// Writes <paramref name="bytes"/> in one write(2) where the kernel takes it whole (cgroupfs
    /// needs that). <paramref name="replace"/>: create the file (0644) or truncate it first.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, bool replace = false)
    {
        var fd = OpenOrThrow(path, O_WRONLY | Libc.O_CLOEXEC | (replace ? O_CREAT | O_TRUNC : 0), replace ? 420u : 0u);
        try
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
                        throw Failure(path, w < 0 ? Marshal.GetLastPInvokeError() : 0);
                    }
                    off += (int)w;
                }
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public static void Write(string path, string text) => Write(path, Encoding.UTF8.GetBytes(text));

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
