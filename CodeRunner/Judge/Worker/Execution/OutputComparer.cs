namespace CodeRunner.Judge.Worker.Execution;

/// <summary>Judge0's expected_output check: trailing whitespace of each line and trailing blank lines do not count.</summary>
internal static class OutputComparer
{
    public static bool Matches(string? expected, string? actual) => Normalize(expected) == Normalize(actual);

    private static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return string.Join('\n', lines);
    }
}
