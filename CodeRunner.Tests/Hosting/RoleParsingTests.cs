using CodeRunner.Hosting;

namespace CodeRunner.Tests.Hosting;

public sealed class RoleParsingTests
{
    [Theory]
    [InlineData("judge-server", Roles.JudgeServer)]
    [InlineData("judge-server,judge-worker", Roles.JudgeServer | Roles.JudgeWorker)]
    [InlineData(" judge-worker , judge-server ", Roles.JudgeServer | Roles.JudgeWorker)]
    [InlineData("all", Roles.All)]
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
}
