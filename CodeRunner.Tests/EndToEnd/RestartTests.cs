using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.EndToEnd;

public sealed class RestartTests
{
    [Fact]
    public async Task Given_submissions_accepted_before_a_restart_Then_they_finish_after_it()
    {
        var dir = Directory.CreateTempSubdirectory("coderunner-restart-");
        var database = ("Storage:Sqlite", (string?)Path.Combine(dir.FullName, "judge.db"));
        try
        {
            var tokens = new List<string>();
            await using (var serverOnly = await RunningApp.StartAsync(Roles.JudgeServer, database))
            {
                await serverOnly.Services.GetRequiredService<CodeRunner.Storage.ILanguageStore>().PublishAsync(
                    [new Language(71, "Python", false, "script.py", null, "python3 script.py")], CancellationToken.None);
                for (var i = 0; i < 3; i++)
                {
                    var response = await serverOnly.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = $"print('survived {i}')" });
                    response.EnsureSuccessStatusCode();
                    tokens.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>());
                }
            }

            await using var restarted = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker, database);

            for (var i = 0; i < tokens.Count; i++)
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                JsonNode submission;
                do
                {
                    await Task.Delay(50);
                    submission = JsonNode.Parse(await restarted.Judge.GetStringAsync($"/submissions/{tokens[i]}"))!;
                }
                while (submission["status"]!["id"]!.GetValue<int>() < 3 && DateTime.UtcNow < deadline);
                Assert.Equal(3, submission["status"]!["id"]!.GetValue<int>());
                Assert.Equal($"survived {i}\n", submission["stdout"]!.GetValue<string>());
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Given_a_worker_stopped_mid_run_Then_the_job_is_handed_back_and_finishes_after_restart()
    {
        var dir = Directory.CreateTempSubdirectory("coderunner-handback-");
        var database = ("Storage:Sqlite", (string?)Path.Combine(dir.FullName, "judge.db"));
        var grace = ("Worker:StopGraceSeconds", (string?)"1");
        try
        {
            string token;
            await using (var first = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker, database, grace))
            {
                var response = await first.Judge.PostAsJsonAsync("/submissions", new
                {
                    language_id = 71, source_code = "import time\ntime.sleep(4)\nprint('done')",
                });
                token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
                await WaitForStatusAsync(first, token, status => status == 2);
            }

            await using var second = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker, database);
            var finished = await WaitForStatusAsync(second, token, status => status >= 3);

            Assert.Equal(3, finished["status"]!["id"]!.GetValue<int>());
            Assert.Equal("done\n", finished["stdout"]!.GetValue<string>());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<JsonNode> WaitForStatusAsync(RunningApp app, string token, Func<int, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var submission = JsonNode.Parse(await app.Judge.GetStringAsync($"/submissions/{token}"))!;
            if (done(submission["status"]!["id"]!.GetValue<int>()))
            {
                return submission;
            }
            Assert.True(DateTime.UtcNow < deadline, $"submission still {submission["status"]}");
            await Task.Delay(50);
        }
    }
}
