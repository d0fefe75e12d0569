using CliWrap;
using CliWrap.Buffered;
using CodeRunner.Judge.Worker.Languages;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeRunner.Tests.Judge.Worker;

public sealed class ToolchainDetectorTests
{
    private static async Task<IReadOnlyList<RunnableLanguage>> DetectAsync() =>
        await new ToolchainDetector(NullLogger<ToolchainDetector>.Instance).DetectAsync(LanguageCatalog.All, CancellationToken.None);

    [Fact]
    public async Task Given_this_machine_Then_the_promised_languages_are_found_with_judge0_ids()
    {
        var ids = (await DetectAsync()).Select(l => l.Info.Id).ToHashSet();

        foreach (var id in new[] { 43, 46, 50, 54, 62, 63, 71, 89 })
        {
            Assert.Contains(id, ids);
        }
    }

    [Fact]
    public async Task Given_gcc_installed_Then_the_c_name_carries_its_real_version()
    {
        var version = (await Cli.Wrap("/usr/bin/gcc").WithArguments("-dumpfullversion").ExecuteBufferedAsync()).StandardOutput.Trim();

        var c = (await DetectAsync()).Single(l => l.Info.Id == 50);

        Assert.Equal($"C (GCC {version})", c.Info.Name);
        Assert.Equal("main.c", c.Info.SourceFile);
    }

    [Fact]
    public async Task Given_tools_behind_symlinks_Then_argv_uses_real_paths_under_usr()
    {
        var java = (await DetectAsync()).Single(l => l.Info.Id == 62);

        var argv = java.RunArgv(["x"], 128000);

        Assert.StartsWith("/usr/", argv[0]);
        Assert.Contains("-XX:MaxRAM=128000k", argv);
        Assert.DoesNotContain("/etc/alternatives", argv[0]);
        Assert.Equal(["Main", "x"], argv.TakeLast(2));
    }

    [Fact]
    public void Given_options_with_spaces_Then_each_word_is_its_own_argv_entry()
    {
        var definition = LanguageCatalog.All.Single(d => d.Id == 50);
        var language = new RunnableLanguage(definition, new Language(50, "C", false, "main.c", null, "./a.out"),
            new Dictionary<string, string> { ["cc"] = "/usr/bin/gcc" }, []);

        Assert.Equal(["/usr/bin/gcc", "-O2", "-lm", "main.c"], language.CompileArgv(["-O2", "-lm"], 512000));
        Assert.Equal(["./a.out", "a\nb"], language.RunArgv(["a\nb"], 128000));
    }
}
