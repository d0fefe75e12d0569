using System.Globalization;
using System.Runtime.InteropServices;
using CodeRunner.Sandbox.Native;

namespace CodeRunner.Sandbox.Boxes;

/// <summary>
/// Each slot's boxes live on their own size-capped tmpfs, so a disk fill stops at the cap. Wiping
/// is a lazy unmount and a fresh mount: it never walks (or follows) anything the program made.
/// </summary>
internal static class SlotMount
{
    public static void Mount(string path, int sizeMb)
    {
        Unmount(path);
        var data = string.Create(CultureInfo.InvariantCulture, $"size={sizeMb}m,mode=0711,uid=0,gid=0");
        if (Libc.Mount("coderunner-box", path, "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV, data) != 0)
        {
            throw new InvalidOperationException($"cannot mount a tmpfs on {path}: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>Removes every mount stacked on path (a crashed worker may have left one).</summary>
    public static void Unmount(string path)
    {
        for (var i = 0; i < 16 && Libc.Umount2(path, Libc.MNT_DETACH) == 0; i++)
        {
        }
    }
}
