using System.Text.RegularExpressions;
using CodeRunner.Tests.Deploy;

namespace CodeRunner.Tests.Platform;

/// <summary>
/// `systemd-analyze security` of every role's unit as scripts/install installs it, in the guest's
/// systemd: the README's table of exposure scores is what it measures, so the table cannot go
/// stale and a unit cannot lose hardening unnoticed (CODERUNNER_VM_TESTS=1).
/// </summary>
[Collection(VmCollection.Name)]
public sealed partial class ExposureTests(VmFixture vm)
{
    [SkippableFact]
    public async Task Given_every_role_unit_Then_systemd_analyze_security_scores_it_as_the_README_says()
    {
        vm.SkipUnlessBooted();
        var documented = ReadmeRow().Matches(File.ReadAllText(Path.Combine(DeployPaths.Root, "README.md")))
            .ToDictionary(m => m.Groups["role"].Value, m => m.Groups["score"].Value);
        Assert.Equal(["all", "client", "judge-server", "judge-worker", "lb", "runner"], documented.Keys.Order());

        var measured = new Dictionary<string, string>();
        foreach (var role in documented.Keys)
        {
            // The unit template and every drop-in are in place once any role was installed; each
            // role's own drop-ins are installed with the template (all's when `all` was installed).
            var line = await vm.InsideAsync($"systemd-analyze security --no-pager coderunner@{role}.service | tail -n 1");
            measured[role] = OverallLine().Match(line) is { Success: true } m ? m.Groups["score"].Value : line;
        }

        // Every role in the message, documented and measured (a dictionary comparison truncates).
        static string Table(Dictionary<string, string> scores) => string.Join(", ", scores.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"));
        Assert.Equal(Table(documented), Table(measured));
    }

    [GeneratedRegex(@"^\| `coderunner@(?<role>[a-z-]+)` \| (?<score>\d+\.\d) ", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();

    [GeneratedRegex(@"Overall exposure level for coderunner@[a-z-]+\.service: (?<score>\d+\.\d) ")]
    private static partial Regex OverallLine();
}
