namespace CodeRunner.Sandbox.Boxes;

internal static class BoxPath
{
    /// <summary>Splits a relative box path into its parts, refusing anything that could leave the box.</summary>
    public static string[] Split(string relativePath)
    {
        if (string.IsNullOrEmpty(relativePath) || relativePath.StartsWith('/') || relativePath.Contains('\0'))
        {
            throw new ArgumentException($"box file names must be relative: '{relativePath}'");
        }
        var parts = relativePath.Split('/');
        if (parts.Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"box file names must not contain empty, '.' or '..' parts: '{relativePath}'");
        }
        return parts;
    }
}
