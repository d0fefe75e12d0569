using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Binary;

public sealed class SingleFileBinaryTests(PublishedBinary binary) : IClassFixture<PublishedBinary>
{
    private Command Coderunner(params string[] args) =>
        Cli.Wrap(binary.Path).WithArguments(args).WithWorkingDirectory(binary.Folder).WithValidation(CommandResultValidation.None);

    [Fact]
    public async Task Given_help_Then_lists_every_role_and_the_environment_each_reads()
    {
        var result = await Coderunner("--help").ExecuteBufferedAsync();

        Assert.Equal(0, result.ExitCode);
        foreach (var role in new[] { "client", "runner", "lb", "judge-server", "judge-worker", "all" })
        {
            Assert.Contains(role, result.StandardOutput);
        }
        Assert.Contains("Judge__Urls", result.StandardOutput);
        Assert.Contains("Sandbox__Slots", result.StandardOutput);
    }

    [Theory]
    [InlineData("--role", "bogus")]
    [InlineData("--role")]
    [InlineData("--role", "all", "--no-such-flag")]
    [InlineData]
    public async Task Given_bad_usage_Then_exits_2_with_one_line_naming_the_valid_roles(params string[] args)
    {
        var result = await Coderunner(args).ExecuteBufferedAsync();

        Assert.Equal(2, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("judge-server", lines[0]);
    }

    [Fact]
    public async Task Given_role_all_alone_in_an_empty_folder_Then_it_judges_hello_world_and_stops_cleanly_on_sigterm()
    {
        var judge = $"http://127.0.0.1:{FreePort.Next()}";
        var worker = $"http://127.0.0.1:{FreePort.Next()}";
        await using var process = CodeRunnerProcess.StartPublished(binary, "all", new Uri(worker),
            "--judge-urls", judge, "--worker-urls", worker, "--set", "Sandbox:Slots=1", "--set", $"Sandbox:UidBase={160000 + Environment.ProcessId % 1000 * 4}",
            "--set", $"Sandbox:BoxRoot={binary.Folder}/boxes", "--set", $"Sandbox:CgroupName=coderunner-bin-{Guid.NewGuid():N}",
            "--set", $"Client:Urls=http://127.0.0.1:{FreePort.Next()}", "--set", $"Runner:Urls=http://127.0.0.1:{FreePort.Next()}",
            "--set", $"Lb:Urls=http://127.0.0.1:{FreePort.Next()}");
        using var http = new HttpClient { BaseAddress = new Uri(judge), Timeout = TimeSpan.FromSeconds(60) };
        await process.WaitHealthyAsync();

        var response = await http.PostAsJsonAsync("/submissions?wait=true", new { language_id = 71, source_code = "print('hello from one file')" });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(3, body["status"]!["id"]!.GetValue<int>());
        Assert.Equal("hello from one file\n", body["stdout"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(binary.Folder, "coderunner.db")), "the embedded store is a SQLite file in the working directory");

        process.Terminate();
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)), process.Output);
        Assert.True(process.ExitCode == 0, process.Output);
    }
}
