using CodeRunner.Judge.Worker.Execution;

namespace CodeRunner.Tests.Judge.Worker;

public sealed class OutputComparerTests
{
    private static byte[]? Bytes(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Given_non_utf8_output_Then_bytes_are_compared_exactly_and_nbsp_is_not_whitespace()
    {
        Assert.True(OutputComparer.Matches([0xff, 0x41], [0xff, 0x41, 0x0a]));
        Assert.False(OutputComparer.Matches([0xff, 0x41], [0xfe, 0x41]));
        Assert.False(OutputComparer.Matches("a"u8.ToArray(), [0x61, 0xc2, 0xa0]));
    }

    [Theory]
    [InlineData("hello", "hello\n")]
    [InlineData("a\nb", "a  \nb\t\n\n\n")]
    [InlineData("a\r\nb\r\n", "a\nb")]
    [InlineData("", null)]
    [InlineData(null, "\n\n")]
    public void Given_outputs_differing_only_in_trailing_whitespace_Then_they_match(string? expected, string? actual) =>
        Assert.True(OutputComparer.Matches(Bytes(expected), Bytes(actual)));

    [Theory]
    [InlineData("hello", "Hello")]
    [InlineData("a b", "a  b")]
    [InlineData("a\nb", "\na\nb")]
    [InlineData("1", "")]
    public void Given_outputs_with_different_content_Then_they_do_not_match(string expected, string actual) =>
        Assert.False(OutputComparer.Matches(Bytes(expected), Bytes(actual)));
}
