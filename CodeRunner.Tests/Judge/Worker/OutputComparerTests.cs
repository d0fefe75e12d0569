using CodeRunner.Judge.Worker.Execution;

namespace CodeRunner.Tests.Judge.Worker;

public sealed class OutputComparerTests
{
    [Theory]
    [InlineData("hello", "hello\n")]
    [InlineData("a\nb", "a  \nb\t\n\n\n")]
    [InlineData("a\r\nb\r\n", "a\nb")]
    [InlineData("", null)]
    [InlineData(null, "\n\n")]
    public void Given_outputs_differing_only_in_trailing_whitespace_Then_they_match(string? expected, string? actual) =>
        Assert.True(OutputComparer.Matches(expected, actual));

    [Theory]
    [InlineData("hello", "Hello")]
    [InlineData("a b", "a  b")]
    [InlineData("a\nb", "\na\nb")]
    [InlineData("1", "")]
    public void Given_outputs_with_different_content_Then_they_do_not_match(string expected, string actual) =>
        Assert.False(OutputComparer.Matches(expected, actual));
}
