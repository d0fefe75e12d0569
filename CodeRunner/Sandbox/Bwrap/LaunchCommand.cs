using System.Globalization;
using CodeRunner.Sandbox.Seccomp;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// sh → setpriv → bwrap, all by exec so one pid. The shell text is a constant: it joins the
/// slot's cgroups and sets rlimits from numeric positional arguments, reports "ok" on fd 3 (which
/// bwrap then uses for --json-status-fd), and execs the rest of its argv. User strings only ever travel as argv (CVE-2024-28185/28189).
/// </summary>
internal static class LaunchCommand
{
    public const int LaunchFailedExit = 125;

    // $1 = number of cgroup.procs files, then the files, then cpu s, fsize 512-byte blocks,
    // open files, stack KB, address space KB or "unlimited", the seccomp filter's file or "" (opened
    // on fd 5 for bwrap), then the command.
    public const string Script = OomScore.Unkillable + """

        n=$1; shift
        while [ "$n" -gt 0 ]; do
          echo $$ >"$1" || { echo "coderunner-launch: cannot join cgroup $1" >&2; exit 125; }
          n=$((n-1)); shift
        done
        ulimit -c 0 && ulimit -t "$1" && ulimit -f "$2" && ulimit -n "$3" && ulimit -s "$4" && ulimit -v "$5" ||
          { echo "coderunner-launch: cannot set rlimits" >&2; exit 125; }
        if [ -n "$6" ]; then exec 5<"$6" || { echo "coderunner-launch: cannot open $6" >&2; exit 125; }; fi
        shift 6
        echo ok >&3
        exec "$@"
        """;

    public static List<string> Build(SandboxOptions options, int uid, IReadOnlyList<string> procsFiles, SandboxLimits limits, List<string> bwrap)
    {
        var argv = new List<string> { "sh", "-c", Script, "sh", Num(procsFiles.Count) };
        argv.AddRange(procsFiles);
        argv.AddRange(Rlimits(limits));
        argv.Add(SyscallFilter.PathFor(options) ?? "");
        argv.AddRange([
            options.Setpriv,
            $"--reuid={Num(uid)}", $"--regid={Num(uid)}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
            "--",
        ]);
        argv.AddRange(bwrap);
        return argv;
    }

    /// <summary>cpu s, fsize in blocks of <paramref name="fsizeBlock"/> bytes (dash: 512, bash: 1024), open files, stack KB, address space ("unlimited": see <see cref="Reaper"/>).</summary>
    public static string[] Rlimits(SandboxLimits limits, int fsizeBlock = 512)
    {
        var cpu = limits.PerProcessTimeLimit
            ? Math.Ceiling(limits.CpuTime + limits.ExtraCpuTime)
            : Math.Ceiling(limits.CpuTime + limits.ExtraCpuTime) + 1;
        return [
            Num((long)Math.Max(1, cpu)),
            Num(Math.Max(1, limits.MaxFileSizeKb) * 1024 / fsizeBlock),
            Num(Math.Max(16, limits.MaxOpenFiles)),
            Num(Math.Max(64, limits.StackKb)),
            // The reaper sets the per-process address space in the program's process only.
            "unlimited",
        ];
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
