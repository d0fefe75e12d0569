using CodeRunner.Provisioning;

namespace CodeRunner.Tests.Deploy;

/// <summary>scripts/install-deps --languages and the provisioning's first-boot script read one table, scripts/lib/languages.</summary>
public sealed class InstallDepsTests
{
    private static Task<CliWrap.Buffered.BufferedCommandResult> PackagesAsync(string selection) =>
        DeployPaths.RunAsync("/bin/bash", ["-c", $". '{DeployPaths.Script("lib/common.sh")}' && language_packages \"$0\"", selection]);

    [Theory]
    [InlineData("python,kotlin")]
    [InlineData("default")]
    [InlineData("all")]
    public async Task Given_a_language_selection_Then_install_deps_and_a_worker_droplet_install_the_same_packages(string selection)
    {
        var run = await PackagesAsync(selection);

        Assert.True(run.ExitCode == 0, DeployPaths.Describe(run));
        // What this machine already has by other means (NodeSource's node, Microsoft's SDK) install-deps leaves alone.
        var expected = LanguagePackages.For(selection)
            .Where(p => !(p == "nodejs" && File.Exists("/usr/bin/node")) && !p.StartsWith("dotnet-sdk-", StringComparison.Ordinal));
        Assert.Equal(expected, run.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Given_an_unknown_language_Then_install_deps_stops_with_a_usage_error_naming_it_and_installs_nothing()
    {
        var run = await DeployPaths.RunAsync(DeployPaths.Script("install-deps"), ["--languages", "python,cobolt"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--languages: unknown language 'cobolt'", run.StandardError);
        Assert.DoesNotContain("installing", run.StandardOutput);
    }
}
