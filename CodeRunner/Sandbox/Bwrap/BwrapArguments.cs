using System.Globalization;
using CodeRunner.Sandbox.Seccomp;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// The bwrap command line of one run: bwrap runs the <see cref="Reaper"/>, which runs the program.
/// Every user-controlled string (argv, environment) is a separate argv element here; nothing is
/// ever parsed by a shell.
/// </summary>
internal static class BwrapArguments
{
    public static readonly IReadOnlyDictionary<string, string> DefaultEnvironment = new Dictionary<string, string>
    {
        ["PATH"] = "/usr/bin:/bin",
        ["HOME"] = "/tmp",
        ["LANG"] = "C.UTF-8",
    };

    // On merged-/usr hosts these are symlinks into /usr; elsewhere real folders to bind.
    private static readonly string[] RootLinks = ["bin", "lib", "lib32", "lib64", "libx32", "sbin"];

    /// <param name="inLauncherNetns">
    /// The slot's launcher already sits in an empty network namespace of its own (loopback down,
    /// owned by the host's user namespace, so nothing in the sandbox can configure it): every
    /// namespace but the network one is new per run.
    /// </param>
    public static List<string> Build(SandboxOptions options, string boxDir, SandboxRun run, bool inLauncherNetns = false)
    {
        var a = new List<string> { options.Bwrap };
        a.AddRange(inLauncherNetns
            ? ["--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
            : ["--unshare-all", "--unshare-user"]);
        a.AddRange(
        [
            "--disable-userns",
            "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--hostname", "box",
            // bwrap's JSON status goes to the status channel (fd 3), which the reaper's lines share; bwrap
            // keeps it from the program.
            "--json-status-fd", "3",
            // Our reaper is pid 1: bwrap's own would turn a death by signal N into exit code 128+N.
            "--as-pid-1",
            // The reaper starts with nothing but bwrap's PWD and gives the program its environment.
            "--clearenv",
        ]);
        if (options.Seccomp)
        {
            // The launcher opened the filter's file on this fd; bwrap reads and closes it.
            a.AddRange(["--seccomp", SyscallFilter.Fd.ToString(CultureInfo.InvariantCulture)]);
        }
        a.AddRange(["--ro-bind", "/usr", "/usr"]);
        foreach (var name in RootLinks)
        {
            var host = new FileInfo("/" + name);
            if (host.LinkTarget is { } target)
            {
                a.AddRange(["--symlink", target, "/" + name]);
            }
            else if (Directory.Exists(host.FullName))
            {
                a.AddRange(["--ro-bind", host.FullName, host.FullName]);
            }
        }
        foreach (var path in options.EffectiveEtcPaths)
        {
            a.AddRange(["--ro-bind-try", path, path]);
        }
        foreach (var path in run.ReadOnlyPaths ?? [])
        {
            if (!Path.IsPathRooted(path) || path.Contains('\0'))
            {
                throw new ArgumentException($"read-only path must be absolute: '{path}'");
            }
            a.AddRange(["--ro-bind", path, path]);
        }
        a.AddRange([
            "--proc", "/proc",
            "--dev", "/dev",
            // No pty: every devpts instance draws from the host's one pool (kernel.pty.max), and
            // --dev gives the box one, with /dev/ptmx a symlink into it. An empty read-only tmpfs
            // hides it, so /dev/ptmx and /dev/pts/ptmx do not exist and cannot be created.
            "--tmpfs", "/dev/pts",
            "--remount-ro", "/dev/pts",
            "--size", Bytes(options.TmpSizeMb), "--tmpfs", "/tmp",
            "--size", Bytes(options.ShmSizeMb), "--tmpfs", "/dev/shm",
            "--bind", boxDir, "/box",
            "--chdir", "/box",
            // The root tmpfs bwrap builds (with /etc and the mount points in it) becomes
            // read-only; /box, /tmp and /dev/shm are separate mounts and stay writable.
            "--remount-ro", "/",
            "--",
        ]);
        a.AddRange(Reaper.Argv(options, run));
        return a;
    }

    private static string Bytes(int mb) => (mb * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
}
