using CodeRunner.Sandbox;

namespace CodeRunner.Tests.Sandbox;

/// <summary>A run's memory is its own: not the page cache an earlier step of the slot read.</summary>
public sealed class MemoryAccountingTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Given_a_step_that_read_a_large_toolchain_file_Then_the_next_runs_memory_is_only_its_own()
    {
        // The JVM's class modules (Java is a default toolchain): over 100 MB a javac or java reads.
        var big = Directory.GetDirectories("/usr/lib/jvm").Select(d => new FileInfo(Path.Combine(d, "lib", "modules")))
            .Where(f => f.Exists && f.LinkTarget is null).MaxBy(f => f.Length)!;
        Assert.True(big.Length > 48 << 20, $"{big.FullName}: {big.Length} bytes");

        var outcomes = await sandbox.RunAsync([],
            new SandboxRun(["/usr/bin/sh", "-c", "cat \"$0\" > /dev/null", big.FullName], null, SandboxFixture.Limits(memoryMb: 512)),
            new SandboxRun(["/usr/bin/sleep", "0.1"], null, SandboxFixture.Limits(memoryMb: 512)));

        Assert.True(outcomes[1] is { Termination: SandboxTermination.Exited, ExitCode: 0 }, SandboxFixture.Describe(outcomes[1]));
        Assert.True(outcomes[1].MemoryKb < 8 * 1024, $"sleep after reading {big.Length >> 20} MB of {big.FullName}: {SandboxFixture.Describe(outcomes[1])}");
    }
}
