namespace CodeRunner.Judge.Worker.Execution;

/// <summary>
/// Splits compiler_options / command_line_arguments into argv words the way a user expects from
/// a shell (spaces and tabs separate; quotes and backslashes group) without ever involving a
/// shell: no expansion, no operators, and a newline is an ordinary character inside a word
/// (injected newlines were how CVE-2024-28185 broke out of Judge0's run script).
/// </summary>
internal static class ArgumentSplitter
{
    public static IReadOnlyList<string> Split(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else if (c == '\\' && quote == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case ' ' or '\t':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                    break;
                case '\'' or '"':
                    quote = c;
                    inWord = true;
                    break;
                case '\\' when i + 1 < text.Length:
                    word.Append(text[++i]);
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }
}
