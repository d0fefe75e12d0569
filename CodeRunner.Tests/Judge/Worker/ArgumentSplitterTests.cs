using CodeRunner.Judge.Worker.Execution;

namespace CodeRunner.Tests.Judge.Worker;

public sealed class ArgumentSplitterTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("   ", new string[0])]
    [InlineData("-O2 -lm", new[] { "-O2", "-lm" })]
    [InlineData("  -O2\t-Wall  ", new[] { "-O2", "-Wall" })]
    [InlineData("\"hello world\" 'a b' c", new[] { "hello world", "a b", "c" })]
    [InlineData("a\\ b", new[] { "a b" })]
    [InlineData("\"say \\\"hi\\\"\"", new[] { "say \"hi\"" })]
    [InlineData("''", new[] { "" })]
    public void Given_shell_like_text_Then_splits_into_words(string text, string[] expected) =>
        Assert.Equal(expected, ArgumentSplitter.Split(text));

    [Fact]
    public void Given_newline_injection_Then_newline_stays_a_literal_character_inside_one_word()
    {
        var words = ArgumentSplitter.Split("-O2\ntouch /tmp/pwned; rm -rf /");

        Assert.Equal(["-O2\ntouch", "/tmp/pwned;", "rm", "-rf", "/"], words);
    }

    [Fact]
    public void Given_shell_operators_Then_they_are_plain_text()
    {
        Assert.Equal(["$(id)", "`id`", "|", "&&", ">", "x"], ArgumentSplitter.Split("$(id) `id` | && > x"));
    }
}
