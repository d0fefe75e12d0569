using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

public sealed class LanguageTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static void AssertPrinted(SandboxOutcome outcome, string expected)
    {
        Assert.True(outcome is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(outcome));
        Assert.Equal(expected, SandboxFixture.Text(outcome.Stdout));
    }

    [Fact]
    public async Task Given_a_C_hello_world_Then_gcc_compiles_it_in_the_box_and_it_prints()
    {
        var outcome = await sandbox.RunCAsync("#include <stdio.h>\nint main(){puts(\"hello from c\");return 0;}");

        AssertPrinted(outcome, "hello from c\n");
    }

    [Fact]
    public async Task Given_a_Cpp_hello_world_Then_gxx_compiles_it_and_it_prints()
    {
        var outcomes = await sandbox.RunAsync(
            [("main.cpp", "#include <iostream>\nint main(){std::cout << \"hello from c++\" << std::endl;}")],
            new SandboxRun(["/usr/bin/g++", "main.cpp", "-o", "a.out"], null, SandboxFixture.Limits(cpu: 10, wall: 20)),
            new SandboxRun(["./a.out"], null, SandboxFixture.Limits()));

        AssertPrinted(outcomes[0], "");
        AssertPrinted(outcomes[1], "hello from c++\n");
    }

    [Fact]
    public async Task Given_a_Python_hello_world_Then_it_prints()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/python3", "script.py"], files: [("script.py", "print('hello from python')")]);

        AssertPrinted(outcome, "hello from python\n");
    }

    [Fact]
    public async Task Given_a_node_hello_world_Then_it_prints()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/node", "script.js"], files: [("script.js", "console.log('hello from node')")]);

        AssertPrinted(outcome, "hello from node\n");
    }

    [Fact]
    public async Task Given_a_bash_hello_world_Then_it_prints()
    {
        var outcome = await sandbox.RunAsync(["/usr/bin/bash", "script.sh"], files: [("script.sh", "echo \"hello from $0\"")]);

        AssertPrinted(outcome, "hello from script.sh\n");
    }

    [Fact]
    public async Task Given_a_Java_hello_world_Then_javac_and_java_run_it_in_the_box()
    {
        var javaLimits = SandboxFixture.Limits(cpu: 10, wall: 20, memoryMb: 512, processes: 64);
        var outcomes = await sandbox.RunAsync(
            [("Main.java", "public class Main { public static void main(String[] a) { System.out.println(\"hello from java\"); } }")],
            new SandboxRun(["/usr/bin/javac", "Main.java"], null, javaLimits),
            new SandboxRun(["/usr/bin/java", "Main"], null, javaLimits));

        AssertPrinted(outcomes[0], "");
        AssertPrinted(outcomes[1], "hello from java\n");
    }
}
