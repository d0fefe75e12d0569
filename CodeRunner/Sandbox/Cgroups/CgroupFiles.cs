using System.Globalization;

namespace CodeRunner.Sandbox.Cgroups;

/// <summary>Reads and writes the small text files of cgroupfs.</summary>
internal static class CgroupFiles
{
    /// <summary>Charged memory above this before a run is an earlier step's page cache, reclaimed first.</summary>
    public const long StaleChargeBytes = 8L << 20;

    public static void Write(string path, string value) => Native.RawFile.Write(path, value);

    public static void Write(string path, long value) => Native.RawFile.Write(path, value.ToString(CultureInfo.InvariantCulture));

    public static long ReadLong(string path) => ParseLong(Native.RawFile.ReadText(path).Trim());

    /// <summary>The value of "key N" in a flat keyed file (memory.events, cpu.stat, memory.oom_control).</summary>
    public static long ReadKey(string path, string key)
    {
        foreach (var line in Lines(path))
        {
            var space = line.IndexOf(' ');
            if (space > 0 && line.AsSpan(0, space).SequenceEqual(key))
            {
                return ParseLong(line[(space + 1)..].Trim());
            }
        }
        return 0;
    }

    public static IReadOnlyList<int> ReadPids(string procsFile)
    {
        var pids = new List<int>();
        foreach (var line in Lines(procsFile))
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }
        return pids;
    }

    public static void KillEach(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            Native.Libc.Kill(pid, Native.Libc.SIGKILL);
        }
    }

    /// <summary>rmdir of a cgroup; missing is fine, busy is retried briefly (zombies being reaped).</summary>
    public static void Remove(string dir)
    {
        for (var attempt = 0; Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(10);
            }
        }
    }

    private static string[] Lines(string path) => Native.RawFile.ReadText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static long ParseLong(string text) =>
        text == "max" ? long.MaxValue : long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
