using System.Globalization;

namespace CodeRunner.Sandbox.Bwrap;

/// <summary>What the <see cref="Reaper"/> told the host, read from the run's status channel.</summary>
/// <param name="Ready">The reaper was set up: from here on, untrusted code may have run.</param>
/// <param name="WaitStatus">The program's wait status, as waitpid gave it.</param>
/// <param name="ExecErrno">The program could not be executed (errno of execvp).</param>
/// <param name="StartErrno">The program's process could not be made (errno of fork or setrlimit).</param>
internal sealed record ReaperReport(bool Ready, int? WaitStatus, int? ExecErrno, int? StartErrno)
{
    public static readonly ReaperReport None = new(false, null, null, null);

    /// <summary>
    /// Picks the reaper's lines out of the status channel, which also carries the launcher's "ok"
    /// and bwrap's JSON; nothing of the program can write to it.
    /// </summary>
    public static ReaperReport Parse(string status)
    {
        var report = None;
        foreach (var line in status.Split('\n'))
        {
            if (line == "r")
            {
                report = report with { Ready = true };
            }
            else if (line.Length > 2 && line[1] == ' ' && int.TryParse(line.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                report = line[0] switch
                {
                    'w' => report with { WaitStatus = n },
                    'e' => report with { ExecErrno = n },
                    'f' => report with { StartErrno = n },
                    _ => report,
                };
            }
        }
        return report;
    }
}
