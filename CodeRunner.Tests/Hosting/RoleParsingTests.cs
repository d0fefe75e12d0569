using CodeRunner.Hosting;

namespace CodeRunner.Tests.Hosting;

public sealed class RoleParsingTests
{
    [Theory]
    [InlineData("judge-server", Roles.JudgeServer)]
    [InlineData("judge-server,judge-worker", Roles.JudgeServer | Roles.JudgeWorker)]
    [InlineData(" judge-worker , judge-server ", Roles.JudgeServer | Roles.JudgeWorker)]
    [InlineData("all", RoleNames.Available)]
    public void Given_valid_role_list_Then_parses_to_flags(string value, Roles expected)
    {
        Assert.Equal(expected, RoleNames.Parse(value, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Given_unknown_role_Then_error_names_every_valid_choice()
    {
        Assert.Null(RoleNames.Parse("judge", out var error));
        Assert.Contains("unknown role 'judge'", error);
        foreach (var (name, _, _) in RoleNames.Known)
        {
            Assert.Contains(name, error);
        }
    }

    [Theory]
    [InlineData("client")]
    [InlineData("runner")]
    [InlineData("lb,judge-server")]
    public void Given_role_not_built_yet_Then_error_says_it_is_not_available(string value)
    {
        Assert.Null(RoleNames.Parse(value, out var error));
        Assert.Contains("not available in this release yet", error);
    }
}
