using System.Collections.Concurrent;

namespace CodeRunner.Tests.Support;

internal static class TestDirectory
{
    private static readonly ConcurrentBag<string> Created = [];

    // The shared PostgreSQL and Redis live until the test host exits; their data goes with them.
    static TestDirectory() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        ServerProcess.KillAll();
        foreach (var dir in Created)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    };

    /// <summary>A fresh folder under the temp path that <paramref name="owner"/> (a system user) owns, removed when the test host exits.</summary>
    public static string Create(string prefix, string? owner = null)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Created.Add(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        if (owner is not null)
        {
            var chown = Process.Start("chown", ["-R", owner, dir])!;
            chown.WaitForExit();
            if (chown.ExitCode != 0)
            {
                throw new InvalidOperationException($"chown {owner} {dir} failed");
            }
        }
        return dir;
    }
}
