using System.Globalization;

namespace CodeRunner.Sandbox;

/// <summary>
/// The start-up self-test's error: what failed in the failing tool's own words first (bwrap's
/// stderr, else the launch's outcome), then a hint only where the cause is known for sure: a
/// folder above the box root that the slot uids cannot search, a service that may not set a
/// hostname, or user namespaces that bwrap could not create.
/// </summary>
internal static class SelfTestFailure
{
    public static string Describe(SandboxOptions options, SandboxOutcome outcome)
    {
        var stderr = Encoding.UTF8.GetString(outcome.Stderr).Trim();
        var said = stderr.Length > 0 ? stderr.Split('\n')[0].Trim() : outcome.Message ?? $"{outcome.Termination} exit {outcome.ExitCode}";
        var hint = Hint(options, stderr);
        return $"sandbox self-test (/usr/bin/true in slot 0) failed: {said}" + (hint is null ? "" : $" ({hint})");
    }

    private static string? Hint(SandboxOptions options, string stderr)
    {
        if (UnsearchableFolder(options.BoxRoot, options.UidBase) is { } folder)
        {
            return folder;
        }
        if (stderr.Contains("hostname", StringComparison.OrdinalIgnoreCase) && stderr.Contains("Operation not permitted", StringComparison.Ordinal))
        {
            return "the service may not set a hostname in a new UTS namespace: under systemd, ProtectHostname=no (the judge-worker drop-in sets it)";
        }
        if (stderr.Contains("namespace", StringComparison.OrdinalIgnoreCase) || stderr.Contains("uid map", StringComparison.OrdinalIgnoreCase))
        {
            return "bubblewrap needs unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces>0";
        }
        return null;
    }

    /// <summary>The first folder from / down to the box root that <paramref name="uid"/> (group = uid, as the slots) cannot search.</summary>
    private static string? UnsearchableFolder(string boxRoot, int uid)
    {
        var folders = new List<string>();
        for (var d = new DirectoryInfo(Path.GetFullPath(boxRoot)); d is not null; d = d.Parent)
        {
            folders.Add(d.FullName);
        }
        folders.Reverse();
        foreach (var folder in folders.Where(Directory.Exists))
        {
            if (Native.Libc.StatOwner(folder) is not var (mode, owner, group))
            {
                continue;
            }
            var searchable = owner == uid ? (mode & 0x40) != 0 : group == uid ? (mode & 0x8) != 0 : (mode & 0x1) != 0;
            if (!searchable)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"folder {folder} (mode {Convert.ToString(mode & 0xfff, 8).PadLeft(4, '0')}, owner {owner}) cannot be searched by uid {uid}, the first slot's uid: chmod o+x {folder}, or set Sandbox:BoxRoot below folders every uid can search");
            }
        }
        return null;
    }
}
