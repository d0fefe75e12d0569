namespace CodeRunner.Judge.Worker.Execution;

/// <summary>
/// Judge0's expected_output check: trailing whitespace of each line and trailing blank lines do
/// not count. Works on bytes (Latin-1 keeps every byte as one char) so output that is not UTF-8
/// is compared exactly, and only ASCII whitespace is trimmed, as Ruby's rstrip does.
/// </summary>
internal static class OutputComparer
{
    public static bool Matches(byte[]? expected, byte[]? actual) => Normalize(expected) == Normalize(actual);

    private static readonly char[] Whitespace = [' ', '\t', '\r', '\n', '\v', '\f', '\0'];

    private static string Normalize(byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0)
        {
            return "";
        }
        var lines = Encoding.Latin1.GetString(bytes).Split('\n').Select(l => l.TrimEnd(Whitespace));
        return string.Join('\n', lines).TrimEnd(Whitespace);
    }
}
