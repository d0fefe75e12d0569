using System.Globalization;
using System.Net.Http.Json;
using CodeRunner.Tests.Support;
using static CodeRunner.Tests.EndToEnd.JudgeCluster;

namespace CodeRunner.Tests.EndToEnd;

[Collection(JudgeClusterCollection.Name)]
public sealed class FeatureTests(JudgeCluster cluster)
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Decode(string? base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64!));

    [Fact]
    public async Task Given_base64_source_and_stdin_Then_output_comes_back_as_mime_base64_of_the_exact_bytes()
    {
        var text = "héllo ✓ " + new string('x', 100);
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = B64("import sys\nsys.stdout.write(sys.stdin.read())"), stdin = B64(text),
        }, base64: true);

        Assert.Equal(3, StatusOf(result));
        var stdout = Text(result, "stdout")!;
        Assert.EndsWith("\n", stdout);
        Assert.All(stdout.Split('\n'), line => Assert.True(line.Length <= 60));
        Assert.Equal(text, Decode(stdout));
    }

    [Fact]
    public async Task Given_command_line_arguments_with_a_newline_Then_the_program_sees_literal_argv()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "import sys\nprint(sys.argv[1:])", command_line_arguments = "a\nb 'c d' $(id)",
        });

        Assert.Equal(3, StatusOf(result));
        Assert.Equal("['a\\nb', 'c d', '$(id)']\n", Text(result, "stdout"));
    }

    [Fact]
    public async Task Given_compiler_options_Then_they_reach_the_compiler_as_argv_and_an_injected_newline_runs_nothing()
    {
        var canary = $"/tmp/coderunner-pwned-{Guid.NewGuid():N}";
        var ok = await cluster.RunAsync(new
        {
            language_id = 50, source_code = "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", GREETING); }", compiler_options = "-O2 -DGREETING=42",
        });
        var injected = await cluster.RunAsync(new
        {
            language_id = 50, source_code = "int main(void) { return 0; }", compiler_options = $"-O2\ntouch {canary}",
        });

        Assert.Equal("42\n", Text(ok, "stdout"));
        Assert.Equal(6, StatusOf(injected));
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public async Task Given_redirect_stderr_to_stdout_Then_both_streams_land_in_stdout()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "import sys\nprint('out')\nsys.stdout.flush()\nprint('err', file=sys.stderr)", redirect_stderr_to_stdout = true,
        });

        Assert.Equal("out\nerr\n", Text(result, "stdout"));
        Assert.Null(Text(result, "stderr"));
    }

    [Fact]
    public async Task Given_several_runs_Then_accepted_with_averaged_time_and_memory()
    {
        var result = await cluster.RunAsync(new { language_id = 71, source_code = "print(sum(range(1000)))", number_of_runs = 3 });

        Assert.Equal(3, StatusOf(result));
        Assert.Equal("499500\n", Text(result, "stdout"));
        Assert.True(decimal.Parse(Text(result, "time")!, CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Given_additional_files_Then_the_program_reads_them_from_its_working_directory()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "print(open('data/input.txt').read().strip())",
            additional_files = Zip.Base64(("data/input.txt", "from the zip\n")),
        });

        Assert.True(StatusOf(result) == 3, Describe(result));
        Assert.Equal("from the zip\n", Text(result, "stdout"));
    }

    [Fact]
    public async Task Given_multi_file_program_Then_its_compile_and_run_scripts_build_and_run_it()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 89,
            additional_files = Zip.Base64(
                ("main.c", "#include <stdio.h>\nint main(int c, char **v) { printf(\"multi %s\\n\", v[1]); }\n"),
                ("compile", "gcc -o prog main.c\n"),
                ("run", "./prog \"$@\"\n")),
            command_line_arguments = "file",
        });

        Assert.True(StatusOf(result) == 3, Describe(result));
        Assert.Equal("multi file\n", Text(result, "stdout"));
    }

    // Judge0 1.13.1 (app/jobs/isolate_job.rb) writes the source file first, then extracts the zip
    // with `unzip -n`, which never overwrites: an entry named like the source file, or a second
    // entry of the same name, is skipped and the submission runs. Clients may rely on that.
    [Fact]
    public async Task Given_a_zip_entry_named_like_the_source_file_Then_the_source_code_runs_as_in_Judge0()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "print('from source_code', open('data.txt').read())",
            additional_files = Zip.Base64(("script.py", "print('from the zip')"), ("data.txt", "kept")),
        });

        Assert.True(StatusOf(result) == 3, Describe(result));
        Assert.Equal("from source_code kept\n", Text(result, "stdout"));
    }

    [Fact]
    public async Task Given_a_zip_with_a_duplicate_entry_Then_the_first_one_is_extracted_as_in_Judge0()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "import os\nprint(open('data/x.txt').read(), open('y').read(), sorted(os.listdir('data')))",
            additional_files = Zip.Base64(("data/x.txt", "first"), ("y", "file"), ("data/x.txt", "second"), ("y/z", "under a file"), ("data", "over a folder")),
        });

        Assert.True(StatusOf(result) == 3, Describe(result));
        Assert.Equal("first file ['x.txt']\n", Text(result, "stdout"));
    }

    [Fact]
    public async Task Given_a_zip_entry_whose_name_the_file_system_refuses_Then_it_is_skipped_as_unzip_does_and_the_rest_is_there()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "import os\nprint(sorted(os.listdir('.')))",
            additional_files = Zip.Base64((new string('n', 300), "too long a name"), ("data.txt", "kept")),
        });

        Assert.True(StatusOf(result) == 3, Describe(result));
        Assert.Equal("['data.txt', 'script.py']\n", Text(result, "stdout"));
    }

    [Fact]
    public async Task Given_zip_bomb_in_additional_files_Then_the_api_refuses_it_by_its_declared_size()
    {
        var bomb = Zip.Base64(("bomb.txt", new string('0', 64 * 1024 * 1024)));

        var response = await cluster.App.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = "print('never')", additional_files = bomb });

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("additional_files", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_zip_bomb_whose_headers_lie_about_its_size_Then_no_more_than_the_claimed_bytes_are_extracted()
    {
        var bomb = Convert.ToBase64String(Zip.Lying(1000, ("bomb.txt", new string('0', 64 * 1024 * 1024))));

        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "import os\nprint(os.path.getsize('bomb.txt') if os.path.exists('bomb.txt') else -1)", additional_files = bomb,
        });

        var status = StatusOf(result);
        Assert.True(status is 3 or 13, $"status {status}: {Text(result, "message")}");
        if (status == 3)
        {
            Assert.InRange(int.Parse(Text(result, "stdout")!), -1, 1000);
        }
    }

    [Fact]
    public async Task Given_a_real_elf_binary_as_executable_Then_it_runs()
    {
        var dir = Directory.CreateTempSubdirectory("coderunner-elf-");
        try
        {
            var source = Path.Combine(dir.FullName, "hello.c");
            var binary = Path.Combine(dir.FullName, "hello");
            await File.WriteAllTextAsync(source, "#include <stdio.h>\nint main(void) { puts(\"native hello\"); return 0; }\n");
            var gcc = await CliWrap.Cli.Wrap("/usr/bin/gcc").WithArguments([source, "-o", binary]).WithValidation(CliWrap.CommandResultValidation.None).ExecuteAsync();
            Assert.Equal(0, gcc.ExitCode);

            var result = await cluster.RunAsync(new { language_id = 44, source_code = Convert.ToBase64String(await File.ReadAllBytesAsync(binary)) }, base64: true);

            Assert.True(StatusOf(result) == 3, Describe(result));
            Assert.Equal("native hello\n", Decode(Text(result, "stdout")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Given_forty_submissions_at_once_Then_every_one_finishes_with_its_own_output()
    {
        var tokens = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var response = await cluster.App.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = $"print({i} * 2)" });
            response.EnsureSuccessStatusCode();
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return (i, token: body["token"]!.GetValue<string>());
        }));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var (i, token) in tokens)
        {
            while (true)
            {
                var s = System.Text.Json.Nodes.JsonNode.Parse(await cluster.App.Judge.GetStringAsync($"/submissions/{token}"))!.AsObject();
                if (StatusOf(s) >= 3)
                {
                    Assert.True(StatusOf(s) == 3, Describe(s));
                    Assert.Equal($"{i * 2}\n", Text(s, "stdout"));
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"submission {i} still {StatusOf(s)}");
                await Task.Delay(50);
            }
        }
    }
}
