using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Judge.Worker.Execution;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.EndToEnd;

/// <summary>A judge-server and worker of its own, so its compile counts are these tests' alone.</summary>
public sealed class CompileOnceApp : IAsyncLifetime
{
    internal RunningApp App { get; private set; } = null!;

    internal CompileCache Cache => App.Services.GetRequiredService<CompileCache>();

    public async Task InitializeAsync() => App = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker);

    public async Task DisposeAsync() => await App.DisposeAsync();
}

// Beside the end-to-end tests, not in parallel with them: the machine has 2 cores.
[Collection(CodeRunner.Tests.EndToEnd.JudgeClusterCollection.Name)]
public sealed class CompileOnceTests(CompileOnceApp fixture) : IClassFixture<CompileOnceApp>
{
    /// <summary>A C program no other test submits: a comment of its own.</summary>
    private static string Unique(string source) => $"/* {Guid.NewGuid()} */\n{source}";

    private async Task<JsonObject> RunAsync(object submission)
    {
        var response = await fixture.App.Judge.PostAsJsonAsync("/submissions?wait=true&fields=*", submission);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Submissions one after the other (each finished before the next is sent), so the counts are exact.</summary>
    private async Task<List<JsonObject>> RunInTurnAsync(int count, Func<int, object> submission)
    {
        var results = new List<JsonObject>();
        for (var i = 0; i < count; i++)
        {
            results.Add(await RunAsync(submission(i)));
        }
        return results;
    }

    private (long Compiled, long Reused) Counts() => (fixture.Cache.Compiled, fixture.Cache.Reused);

    [Fact]
    public async Task Given_the_same_c_program_with_five_stdins_Then_it_compiles_twice_and_the_other_three_reuse_the_build()
    {
        var source = Unique("#include <stdio.h>\nint main(void) { int x; scanf(\"%d\", &x); printf(\"%d\\n\", x * 2); }");
        var before = Counts();

        var results = await RunInTurnAsync(5, i => new { language_id = 50, source_code = source, stdin = i.ToString() });
        var after = Counts();

        for (var i = 0; i < 5; i++)
        {
            Assert.True(results[i]["status"]!["id"]!.GetValue<int>() == 3, results[i].ToJsonString());
            Assert.Equal($"{i * 2}\n", results[i]["stdout"]!.GetValue<string>());
        }
        // The first time only notes the inputs; the second packs its build; the rest unpack it.
        Assert.Equal(2, after.Compiled - before.Compiled);
        Assert.Equal(3, after.Reused - before.Reused);
    }

    [Fact]
    public async Task Given_the_same_compilation_error_three_times_Then_it_compiles_once_and_each_gets_the_compiler_output()
    {
        var source = Unique("int main(void) { return missing_symbol; }");
        var before = Counts();

        var results = await RunInTurnAsync(3, _ => new { language_id = 50, source_code = source });
        var after = Counts();

        Assert.All(results, r => Assert.Equal(6, r["status"]!["id"]!.GetValue<int>()));
        Assert.All(results, r => Assert.Contains("missing_symbol", r["compile_output"]!.GetValue<string>()));
        Assert.Equal(1, after.Compiled - before.Compiled);
        Assert.Equal(2, after.Reused - before.Reused);
    }

    [Fact]
    public async Task Given_the_same_source_with_other_compiler_options_Then_nothing_is_reused()
    {
        var source = Unique("#include <stdio.h>\nint main(void) { printf(\"%d\\n\", VALUE); }");
        var before = Counts();

        var results = await RunInTurnAsync(3, i => new { language_id = 50, source_code = source, compiler_options = $"-DVALUE={i + 1}" });
        var after = Counts();

        Assert.Equal(["1\n", "2\n", "3\n"], results.Select(r => r["stdout"]!.GetValue<string>()));
        Assert.Equal(3, after.Compiled - before.Compiled);
        Assert.Equal(0, after.Reused - before.Reused);
    }

    [Fact]
    public async Task Given_a_reused_build_Then_the_program_still_cannot_touch_the_next_submissions_box()
    {
        // The build is unpacked into a fresh box: a file the first run wrote is not in the next.
        var source = Unique("#include <stdio.h>\nint main(void) { FILE *f = fopen(\"left\", \"r\"); printf(\"%s\\n\", f ? \"found\" : \"clean\"); fclose(fopen(\"left\", \"w\")); }");

        var results = await RunInTurnAsync(3, _ => new { language_id = 50, source_code = source });

        Assert.All(results, r => Assert.Equal("clean\n", r["stdout"]!.GetValue<string>()));
    }
}
