using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CodeRunner.Judge.Worker.Execution;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static CodeRunner.Tests.EndToEnd.JudgeCluster;

namespace CodeRunner.Tests.EndToEnd;

/// <summary>
/// One row per Judge0 CE 1.13.1 language id, from the programs in EndToEnd/Programs/&lt;id&gt;/:
/// hello.* reads a word and greets it, fails.* ends with exit code 3 (status 11), and for a
/// compiled language broken.* does not compile (status 6 with the compiler's message), and hello.*
/// sent twice more with other stdins runs from the build the compile cache kept. An id whose
/// toolchain this machine lacks is skipped by name; scripts/test installs every toolchain and sets
/// CODERUNNER_ALL_LANGUAGES=1, under which a missing one fails instead.
/// </summary>
[Collection(JudgeClusterCollection.Name)]
public sealed class EveryLanguageTests(JudgeCluster cluster)
{
    /// <summary>Judge0 CE 1.13.1's ids (db/languages/active.rb at v1.13.1), less 47 FreeBASIC, 70 Python 2 and 83 Swift.</summary>
    public static readonly int[] Served =
    [
        43, 44, 45, 46, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65,
        66, 67, 68, 69, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89,
    ];

    public static TheoryData<int> Ids => new(Served);

    private static readonly bool AllInstalled = Environment.GetEnvironmentVariable("CODERUNNER_ALL_LANGUAGES") == "1";

    private const string Stdin = "world\n";

    [SkippableTheory]
    [MemberData(nameof(Ids))]
    public async Task Given_a_language_id_Then_hello_world_is_accepted_a_failing_exit_is_a_runtime_error_broken_code_a_compilation_error_and_a_kept_build_runs(int id)
    {
        var listed = await ListedAsync();
        Assert.False(AllInstalled && !listed.ContainsKey(id), $"language {id} is missing although every toolchain was installed");
        Skip.IfNot(listed.ContainsKey(id), $"language {id} is not installed on this machine: scripts/install-deps --languages all installs it");

        var programs = Programs(id);
        var hello = RunAsync(id, programs.Hello, extra: programs.AdditionalFiles);
        var fails = programs.Fails is null ? null : RunAsync(id, programs.Fails, extra: programs.FailingFiles);
        var broken = programs.Broken is null ? null : RunAsync(id, programs.Broken, extra: programs.BrokenFiles);

        var accepted = await hello;
        Assert.True(StatusOf(accepted) == 3, $"{listed[id]}: {Describe(accepted)}");
        // What a strict client modelling 1.13.1's submission reads from fields=*: nothing more, nothing less.
        Assert.Equal(Judge.Server.ConformanceTests.StarFields, accepted.Select(p => p.Key));
        Assert.Equal(HelloOutput, Text(accepted, "stdout"));
        Assert.Equal(id, accepted["language"]!["id"]!.GetValue<int>());
        if (fails is not null)
        {
            var failed = await fails;
            Assert.True(StatusOf(failed) == 11, $"{listed[id]}: {Describe(failed)}");
            Assert.Equal(id == 82 ? 1 : 3, failed["exit_code"]!.GetValue<int>());
        }
        if (broken is not null)
        {
            var refused = await broken;
            Assert.True(StatusOf(refused) == 6, $"{listed[id]}: {Describe(refused)}");
            Assert.False(string.IsNullOrWhiteSpace(Text(refused, "compile_output")), $"{listed[id]}: no compiler message: {Describe(refused)}");
        }
        if (programs.Broken is not null && id != 89)
        {
            // The same program with other stdins (a batch of test cases): compiled and packed the
            // second time, unpacked from the compile cache the third.
            var cache = cluster.App.Services.GetRequiredService<CompileCache>();
            var reused = cache.Reused;
            foreach (var word in new[] { "again", "third" })
            {
                var rerun = await cluster.RunAsync(new { language_id = id, source_code = programs.Hello, stdin = word + "\n" });
                Assert.True(StatusOf(rerun) == 3, $"{listed[id]}: {Describe(rerun)}");
                Assert.Equal($"hello {word}\n", Text(rerun, "stdout"));
            }
            Assert.True(cache.Reused > reused, $"{listed[id]}: the third run did not reuse the kept build");
        }
    }

    [SkippableFact]
    public async Task Given_every_toolchain_installed_Then_languages_lists_exactly_the_44_served_ids_each_with_a_version()
    {
        Skip.IfNot(AllInstalled);
        var listed = await ListedAsync();

        Assert.Equal(Served, listed.Keys.Order());
        Assert.All(listed.Where(l => l.Key is not (43 or 44 or 89)), l => Assert.Matches(@"\d+\.\d+", l.Value));
    }

    [Fact]
    public async Task Given_one_worker_Then_its_own_languages_are_what_the_judge_server_lists()
    {
        using var worker = new HttpClient { BaseAddress = cluster.App.WorkerUrl };

        var own = JsonNode.Parse(await worker.GetStringAsync("/languages"))!.AsArray();

        Assert.Equal((await ListedAsync()).OrderBy(l => l.Key), own.Select(l => KeyValuePair.Create(l!["id"]!.GetValue<int>(), l["name"]!.GetValue<string>())).OrderBy(l => l.Key));
        Assert.Contains(own, l => l!["id"]!.GetValue<int>() == 71);
    }

    [Fact]
    public async Task Given_a_language_no_debian_package_provides_Then_a_submission_for_it_is_a_422_naming_the_id()
    {
        foreach (var id in new[] { 47, 70, 83 })
        {
            var response = await cluster.App.Judge.PostAsJsonAsync("/submissions", new { language_id = id, source_code = "x" });
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(422, (int)response.StatusCode);
            Assert.Contains($"language with id {id}", body);
        }
    }

    private async Task<Dictionary<int, string>> ListedAsync() =>
        JsonNode.Parse(await cluster.App.Judge.GetStringAsync("/languages"))!.AsArray()
            .ToDictionary(l => l!["id"]!.GetValue<int>(), l => l!["name"]!.GetValue<string>());

    private Task<JsonObject> RunAsync(int id, string source, string? extra) => cluster.RunAsync(Body(id, source, extra));

    /// <summary>The submission of one of a language's programs, read from stdin "world" (hello.* greets it).</summary>
    internal static object Body(int id, string source, string? extra) => extra is null
        ? new { language_id = id, source_code = source, stdin = Stdin }
        : new { language_id = id, source_code = "", stdin = Stdin, additional_files = extra };

    /// <summary>What hello.* prints for <see cref="Body"/>'s stdin.</summary>
    internal const string HelloOutput = "hello world\n";

    internal sealed record LanguagePrograms(string Hello, string? Fails, string? Broken, string? AdditionalFiles = null, string? FailingFiles = null, string? BrokenFiles = null);

    internal static LanguagePrograms Programs(int id)
    {
        if (id == 89)
        {
            // A multi-file program: its own compile and run scripts, a C file between them.
            var main = "#include <stdio.h>\nint main(void) { char s[64]; if (scanf(\"%63s\", s) != 1) return 1; printf(\"hello %s\\n\", s); return 0; }\n";
            return new("", "", "",
                Zip.Base64(("main.c", main), ("compile", "gcc -o hello main.c\n"), ("run", "./hello\n")),
                Zip.Base64(("run", "exit 3\n")),
                Zip.Base64(("main.c", "int main(void) { return 0 }\n"), ("compile", "gcc -o hello main.c\n"), ("run", "./hello\n")));
        }
        var folder = Path.Combine(AppContext.BaseDirectory, "EndToEnd", "Programs", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string? Read(string name) => Directory.GetFiles(folder, name + ".*").SingleOrDefault() is { } path ? File.ReadAllText(path) : null;
        return new(Read("hello") ?? throw new InvalidOperationException($"no hello program for {id}"), Read("fails"), Read("broken"));
    }
}
