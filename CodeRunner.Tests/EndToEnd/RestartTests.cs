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
}
