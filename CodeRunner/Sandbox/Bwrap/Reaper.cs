using System.Globalization;
using System.Runtime.InteropServices;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>
/// The sandbox's pid 1 (bwrap --as-pid-1): a few lines of Perl (perl-base is Essential on Debian
/// and Ubuntu) that fork the program, reap everything orphaned in the run, and tell the host the
/// program's real wait status on fd <see cref="Fd"/>. bwrap cannot: its pid 1 and its
/// --json-status-fd turn a death by signal N into exit code 128+N, which any program can also
/// choose with exit(). The program cannot write that channel: the fd is close-on-exec, the reaper
/// makes itself non-dumpable (no ptrace, no /proc/1/fd, no pidfd_getfd of it from the run), and
/// as its namespace's init it receives no signal from inside the run but those it handles (none).
/// </summary>
/// <remarks>
/// Lines on fd 4, in order: "r" once set up (after it, untrusted code may run), then "f errno"
/// (fork failed), "e errno" (exec of the program failed) or "w status" (the program's wait status).
/// The reaper runs with bwrap's bare environment (--clearenv, so no PERL5OPT or PERL5LIB can steer
/// it) and gives the program its environment from argv. The per-process address-space limit is
/// set in the program's process only: Perl needs more address space than many programs.
/// The program's process raises its oom_score_adj to <see cref="OomScore.Program"/> (see OomScore);
/// it turns dumpable again for that, a non-dumpable process's /proc files being root's: nothing
/// untrusted runs in the box yet, and the exec that follows makes it dumpable anyway.
/// </remarks>
internal static class Reaper
{
    public const int Fd = 4;

    private const string Script = """
        my ($prctl, $setrlimit, $as, $n) = splice @ARGV, 0, 4;
        syscall($prctl, 4, 0) == 0 or exit 120;
        open(my $host, '>&=', 4) or exit 121;
        fcntl($host, 2, 1) or exit 121;
        my $pwd = $ENV{PWD};
        %ENV = map { /\A([^=]*)=(.*)\z/s } splice @ARGV, 0, $n;
        $ENV{PWD} = $pwd if defined $pwd;
        syswrite $host, "r\n";
        my $pid = fork;
        if (!defined $pid) { syswrite $host, 'f ' . ($! + 0) . "\n"; exit 122 }
        if (!$pid) {
          my $oom;
          syscall($prctl, 4, 1) == 0 && open($oom, '>', '/proc/self/oom_score_adj') && syswrite($oom, "1000\n") && close($oom)
            or do { syswrite $host, 'f ' . ($! + 0) . "\n"; exit 122 };
          $as eq '-' or syscall($setrlimit, 9, pack('Q2', $as * 1024, $as * 1024)) == 0
            or do { syswrite $host, 'f ' . ($! + 0) . "\n"; exit 122 };
          exec { $ARGV[0] } @ARGV;
          syswrite $host, 'e ' . ($! + 0) . "\n";
          exit 127;
        }
        while (1) {
          my $w = waitpid -1, 0;
          if ($w == $pid) { syswrite $host, "w $?\n"; exit 0 }
          exit 123 if $w < 0;
        }
        """;

    /// <summary>The reaper's argv (bwrap runs it after "--"), then the program's.</summary>
    public static List<string> Argv(SandboxOptions options, SandboxRun run)
    {
        var (prctl, setrlimit) = SyscallNumbers(RuntimeInformation.ProcessArchitecture);
        var environment = (run.Environment ?? BwrapArguments.DefaultEnvironment).ToList();
        var argv = new List<string>
        {
            options.Perl, "-e", Script,
            Num(prctl), Num(setrlimit),
            run.Limits.PerProcessMemoryLimit ? Num(run.Limits.MemoryKb) : "-",
            Num(environment.Count),
        };
        foreach (var (key, value) in environment)
        {
            if (key.Length == 0 || key.Contains('=') || key.Contains('\0') || value.Contains('\0'))
            {
                throw new ArgumentException($"invalid environment variable name or value: '{key}'");
            }
            argv.Add($"{key}={value}");
        }
        foreach (var arg in run.Argv)
        {
            if (arg.Contains('\0'))
            {
                throw new ArgumentException("argv must not contain NUL characters");
            }
            argv.Add(arg);
        }
        return argv;
    }

    /// <summary>prctl and setrlimit: Perl's syscall() takes numbers, which differ by architecture.</summary>
    internal static (int Prctl, int Setrlimit) SyscallNumbers(Architecture architecture) => architecture switch
    {
        Architecture.X64 => (157, 160),
        Architecture.Arm64 => (167, 164),
        _ => throw new PlatformNotSupportedException($"the sandbox's reaper knows the system calls of x64 and arm64, not {architecture}"),
    };

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
