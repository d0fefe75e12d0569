namespace CodeRunner.Tests.Support;

internal static class TestDirectory
{
    /// <summary>A fresh folder under /tmp that <paramref name="owner"/> (a system user) owns.</summary>
    public static string Create(string prefix, string? owner = null)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
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
