using System.Globalization;

namespace CodeRunner.Sandbox.Native;

/// <summary>
/// The worker is a child subreaper (see BwrapSandbox.Create): whatever a run leaves orphaned
/// (bwrap's monitor or pid 1 when their parent died) becomes our child, and stays a zombie charged
/// to its slot's pids.max until we reap it. Never waitpid(-1): that would steal the exit statuses of
/// System.Diagnostics.Process/CliWrap children. Only zombies that ran as a slot uid are reaped, and
/// never a pid one of our own code paths waits for: those are spawned and registered under one
/// lock, so a sweep never sees such a pid unregistered.
/// </summary>
internal static unsafe class Orphans
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Awaited = [];

    /// <summary>Spawns a child whose exit status our code waits for itself; call <see cref="Forget"/> once reaped.</summary>
    public static int Spawn(Func<int> spawn)
    {
        lock (Gate)
        {
            var pid = spawn();
            Awaited.Add(pid);
            return pid;
        }
    }

    public static void Forget(int pid)
    {
        lock (Gate)
        {
            Awaited.Remove(pid);
        }
    }

    /// <summary>Reaps every zombie child that ran as a uid in [firstUid, firstUid + count) and that no code of ours waits for; returns how many.</summary>
    public static int Reap(int firstUid, int count)
    {
        var reaped = 0;
        lock (Gate)
        {
            foreach (var pid in Children())
            {
                if (Awaited.Contains(pid) || !IsZombie(pid, out var uid) || uid < firstUid || uid >= firstUid + count)
                {
                    continue;
                }
                int status;
                if (Libc.WaitPid(pid, &status, 1 /* WNOHANG */) == pid)
                {
                    reaped++;
                }
            }
        }
        return reaped;
    }

    /// <summary>An orphan is re-parented to one of our threads; each thread lists its own children.</summary>
    private static List<int> Children()
    {
        var pids = new List<int>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // the thread ended meanwhile
            }
            foreach (var field in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    pids.Add(pid);
                }
            }
        }
        return pids;
    }

    /// <summary>State Z in /proc/PID/stat (after the last ')': comm may hold anything), and the real uid from /proc/PID/status.</summary>
    private static bool IsZombie(int pid, out int uid)
    {
        uid = -1;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length || stat[close + 2] != 'Z')
            {
                return false;
            }
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out uid);
                }
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone meanwhile
        }
    }
}
