using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

public sealed class LanguageTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Given_a_C_hello_world_Then_gcc_compiles_it_in_the_box_and_it_prints()
    {
        var outcome = await sandbox.RunCAsync("#include <stdio.h>\nint main(){puts(\"hello from c\");return 0;}");

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(outcome));
        Assert.Equal("hello from c\n", SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_a_Python_hello_world_Then_it_prints()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "script.py"], files: [("script.py", "print('hello from python')")]);

        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(outcome));
        Assert.Equal("hello from python\n", SandboxFixture.Text(outcome.Stdout));
    }
}
