namespace CodeRunner.Provisioning;

/// <summary>Keeps passwords out of what provisioning prints.</summary>
internal static class Secrets
{
    /// <summary><c>scheme://user:password@host/...</c> → <c>scheme://user:***@host/...</c>; anything else that is not a URI → <c>***</c>.</summary>
    public static string Mask(string value)
    {
        if (value.StartsWith('<'))
        {
            return value; // a dry-run placeholder, not a secret
        }
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        var at = value.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return "***";
        }
        var userInfo = value[(scheme + 3)..at];
        var colon = userInfo.IndexOf(':');
        var user = colon < 0 ? userInfo : userInfo[..colon];
        return $"{value[..(scheme + 3)]}{user}:***{value[at..]}";
    }
}
