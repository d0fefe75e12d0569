using System.Text.Json;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Ops;

public sealed class GracefulStopTests
{
    [Fact]
    public async Task Given_sigterm_Then_the_lb_stops_cleanly_with_exit_code_0_and_says_so_in_json()
    {
        var dir = Directory.CreateTempSubdirectory("coderunner-stop-");
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var lb = CodeRunnerProcess.Start("lb", dir.FullName, new Dictionary<string, string>
        {
            ["Lb__Urls"] = url.ToString().TrimEnd('/'),
            ["JUDGE_SERVERS"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["LOG_FORMAT"] = "json",
        });
        await Health.WaitAsync(url, "/health", TimeSpan.FromSeconds(60), giveUp: _ => lb.HasExited ? "exited" : null, describe: () => lb.Output);

        lb.Terminate();
        var exited = await lb.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exited, lb.Output);
        Assert.Equal(0, lb.ExitCode);
        var messages = lb.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("Message").GetString())
            .ToList();
        Assert.Contains("Application is shutting down...", messages);
    }
}
