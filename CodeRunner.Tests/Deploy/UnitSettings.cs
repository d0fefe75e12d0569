namespace CodeRunner.Tests.Deploy;

/// <summary>
/// The [Service] settings one instance of systemd/coderunner@.service ends up with: the template,
/// then its drop-in (coderunner@&lt;role&gt;.service.d/override.conf), a later assignment replacing
/// an earlier one, as systemd does for these single-valued keys.
/// </summary>
internal static class UnitSettings
{
    public static Dictionary<string, string> For(string role)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new[]
        {
            Path.Combine(DeployPaths.Systemd, "coderunner@.service"),
            Path.Combine(DeployPaths.Systemd, $"coderunner@{role}.service.d", "override.conf"),
        };
        foreach (var file in files.Where(File.Exists))
        {
            var section = "";
            foreach (var raw in File.ReadAllLines(file))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line[0] is '#' or ';')
                {
                    continue;
                }
                if (line.StartsWith('['))
                {
                    section = line;
                    continue;
                }
                var eq = line.IndexOf('=');
                if (section == "[Service]" && eq > 0)
                {
                    settings[line[..eq]] = line[(eq + 1)..].Replace("%i", role);
                }
            }
        }
        return settings;
    }
}
