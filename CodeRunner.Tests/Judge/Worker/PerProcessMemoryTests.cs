using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Judge.Worker;

/// <summary>
/// enable_per_process_and_thread_memory_limit limits each process; the run as a whole still
/// stops at MAX_MEMORY_LIMIT, the most any run may have (machines are sized by it).
/// </summary>
public sealed class PerProcessMemoryTests
{
    [Fact]
    public async Task Given_per_process_memory_and_children_that_together_pass_MAX_MEMORY_LIMIT_Then_the_run_stops_there()
    {
        await using var app = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker, ("MAX_MEMORY_LIMIT", "131072"), ("Sandbox:Slots", "1"));
        // Eight children of 40 MB, each within its own 64 MB: 320 MB in all.
        var source = """
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            #include <sys/wait.h>
            int main(void) {
                for (int i = 0; i < 8; i++) {
                    if (fork() == 0) { char* p = malloc(40 << 20); if (!p) return 2; memset(p, 1, 40 << 20); sleep(1); return 0; }
                }
                while (wait(NULL) > 0) {}
                return 0;
            }
            """;

        var response = await app.Judge.PostAsJsonAsync("/submissions?wait=true&fields=status,memory,message", new
        {
            language_id = 50, source_code = source, memory_limit = 65536, enable_per_process_and_thread_memory_limit = true,
        });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.True(body["message"]?.GetValue<string>() == "Memory limit exceeded", body.ToJsonString());
        Assert.InRange(body["memory"]!.GetValue<int>(), 0, 131072);
    }
}
