using System.Reflection;
using System.Text.RegularExpressions;
using CodeRunner.Tests.Deploy;

namespace CodeRunner.Tests.Platform;

/// <summary>
/// The containment suite (every test of CodeRunner.Tests.Sandbox but the language hello worlds:
/// isolation, limits, the program contract, start-up) run inside the guest on cgroup v2, from this very build (shared
/// read-only at /mnt/tests) with the host's .NET (/mnt/dotnet), as root in a transient systemd
/// service with Delegate=yes, the way the worker unit gets its cgroup subtree (CODERUNNER_VM_TESTS=1).
/// The language hello worlds run there through the installed worker instead (WorkerUnitTests, with
/// Judge0's limits): javac alone took 47 s of emulated CPU and 100 s of wall time under the suite's
/// own parallel load, a timing of the emulator and not of containment.
/// </summary>
[Collection(VmCollection.Name)]
public sealed partial class ContainmentTests(VmFixture vm)
{
    private const string Suite = "CodeRunner.Tests.Sandbox";
    private const string Languages = nameof(CodeRunner.Tests.Sandbox.LanguageTests);

    [SkippableFact]
    public async Task Given_the_guest_on_cgroup_v2_Then_every_containment_test_passes_there_in_a_delegated_service()
    {
        vm.SkipUnlessBooted();
        await vm.UseNoRolesAsync();
        var run = await vm.ShellAsync(
            "systemd-run --unit=coderunner-containment-$$ --quiet --wait --pipe --collect -p Delegate=yes -p WorkingDirectory=/root " +
            "--setenv=DOTNET_ROOT=/mnt/dotnet --setenv=HOME=/root --setenv=DOTNET_CLI_TELEMETRY_OPTOUT=1 --setenv=DOTNET_NOLOGO=1 " +
            $"--setenv=CODERUNNER_TEST_TIME_SCALE={vm.TimeScale} " +
            $"/mnt/dotnet/dotnet test /mnt/tests/CodeRunner.Tests.dll --filter \"FullyQualifiedName~{Suite}.&FullyQualifiedName!~{Suite}.{Languages}.\" --results-directory /root/containment 2>&1",
            timeoutSeconds: 1800);
        var output = run.StandardOutput;

        var summary = SummaryLine().Match(output);
        Assert.True(run.ExitCode == 0 && summary.Success, DeployPaths.Describe(run));
        Assert.Equal("0", summary.Groups["failed"].Value);
        Assert.Equal("0", summary.Groups["skipped"].Value);
        // Every test of the suite ran: at least one case per [Fact]/[Theory] method in it.
        var methods = typeof(ContainmentTests).Assembly.GetTypes()
            .Where(t => t.Namespace == Suite && t.Name != Languages)
            .SelectMany(t => t.GetMethods())
            .Count(m => m.GetCustomAttributes<FactAttribute>().Any());
        Assert.True(int.Parse(summary.Groups["passed"].Value) >= methods, $"{summary.Value}: fewer than the suite's {methods} test methods");
    }

    [GeneratedRegex(@"Failed: +(?<failed>\d+), Passed: +(?<passed>\d+), Skipped: +(?<skipped>\d+)")]
    private static partial Regex SummaryLine();
}
