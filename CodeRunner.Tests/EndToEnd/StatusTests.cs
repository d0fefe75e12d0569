using System.Globalization;
using System.Net.Http.Json;
using CodeRunner.Tests.Support;
using static CodeRunner.Tests.EndToEnd.JudgeCluster;

namespace CodeRunner.Tests.EndToEnd;

[Collection(JudgeClusterCollection.Name)]
public sealed class StatusTests(JudgeCluster cluster)
{
    private static decimal Seconds(string? value) => decimal.Parse(value!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Given_output_differing_from_expected_Then_wrong_answer_and_matching_output_accepted()
    {
        var wrong = await cluster.RunAsync(new { language_id = 71, source_code = "print(1)", expected_output = "2" });
        var right = await cluster.RunAsync(new { language_id = 71, source_code = "print(2)  ", expected_output = "2\n\n" });

        Assert.Equal(4, StatusOf(wrong));
        Assert.Equal(3, StatusOf(right));
    }

    [Fact]
    public async Task Given_cpu_spin_past_cpu_limit_Then_time_limit_exceeded()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 50, source_code = "int main(void) { volatile unsigned long x = 0; for (;;) x++; }",
            cpu_time_limit = 0.5, cpu_extra_time = 0.5, wall_time_limit = 5,
        });

        Assert.True(StatusOf(result) == 5, Describe(result));
        Assert.True(Seconds(Text(result, "time")) >= 0.5m, Describe(result));
        Assert.True(Seconds(Text(result, "wall_time")) < 4m, Describe(result));
    }

    [Fact]
    public async Task Given_sleep_past_wall_limit_Then_time_limit_exceeded_on_the_wall_clock()
    {
        var result = await cluster.RunAsync(new { language_id = 71, source_code = "import time\ntime.sleep(30)", wall_time_limit = 1 });

        Assert.True(StatusOf(result) == 5, Describe(result));
        Assert.Contains("wall", Text(result, "message"));
        Assert.InRange(Seconds(Text(result, "wall_time")), 0.9m, 3m);
    }

    [Fact]
    public async Task Given_syntax_error_Then_compilation_error_with_the_compiler_output()
    {
        var result = await cluster.RunAsync(new { language_id = 50, source_code = "int main(void) { return }" });

        Assert.Equal(6, StatusOf(result));
        Assert.Contains("error", Text(result, "compile_output"));
        Assert.Null(Text(result, "stdout"));
    }

    [Theory]
    [InlineData("#include <stddef.h>\nint main(void) { volatile int *p = NULL; return *p; }", 7, 11)]
    [InlineData("int main(void) { volatile int z = 0; return 7 / z; }", 9, 8)]
    [InlineData("#include <stdlib.h>\nint main(void) { abort(); }", 10, 6)]
    public async Task Given_program_killed_by_a_signal_Then_runtime_error_for_that_signal(string source, int status, int signal)
    {
        var result = await cluster.RunAsync(new { language_id = 50, source_code = source });

        Assert.True(StatusOf(result) == status, Describe(result));
        Assert.Equal(signal, result["exit_signal"]!.GetValue<int>());
    }

    [Fact]
    public async Task Given_a_program_faking_a_crash_and_a_sandbox_message_Then_it_is_an_nzec_with_its_own_exit_code()
    {
        var segv = await cluster.RunAsync(new { language_id = 71, source_code = "import os\nos._exit(139)" });
        var bwrap = await cluster.RunAsync(new { language_id = 71, source_code = "import sys\nsys.stderr.write('bwrap: Creating new namespace failed\\n')\nsys.exit(1)" });

        Assert.True(StatusOf(segv) == 11 && segv["exit_code"]?.GetValue<int>() == 139 && segv["exit_signal"] is null, Describe(segv));
        Assert.True(StatusOf(bwrap) == 11 && bwrap["exit_code"]?.GetValue<int>() == 1, Describe(bwrap));
        Assert.Equal("Exited with error status 1", Text(bwrap, "message"));
    }

    [Fact]
    public async Task Given_execution_host_asked_for_Then_it_names_the_workers_host_but_not_its_process_id()
    {
        var response = await cluster.App.Judge.PostAsJsonAsync("/submissions?wait=true&fields=status,execution_host", new { language_id = 71, source_code = "print(1)" });
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        var host = Text(body, "execution_host")!;
        Assert.StartsWith(Environment.MachineName + ":", host);
        Assert.DoesNotContain(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), host.Split(':'));
    }

    [Fact]
    public async Task Given_nonzero_exit_Then_runtime_error_nzec_with_the_exit_code()
    {
        var result = await cluster.RunAsync(new { language_id = 71, source_code = "import sys\nsys.exit(3)" });

        Assert.Equal(11, StatusOf(result));
        Assert.Equal(3, result["exit_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Given_allocation_past_memory_limit_Then_killed_and_message_says_memory_limit_exceeded()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "x = b'a' * (400 * 1024 * 1024)\nprint(len(x))", memory_limit = 65536,
        });

        Assert.True(StatusOf(result) is 12 or 11, Describe(result));
        Assert.Equal("Memory limit exceeded", Text(result, "message"));
    }

    [Fact]
    public async Task Given_output_over_max_file_size_Then_runtime_error_sigxfsz_and_output_capped()
    {
        var result = await cluster.RunAsync(new
        {
            language_id = 71, source_code = "import sys\nwhile True: sys.stdout.write('x' * 65536)", max_file_size = 64,
        });

        Assert.True(StatusOf(result) == 8, Describe(result));
        Assert.True((Text(result, "stdout")?.Length ?? 0) <= 64 * 1024);
    }

    [Fact]
    public async Task Given_text_submitted_as_executable_Then_exec_format_error()
    {
        var result = await cluster.RunAsync(new { language_id = 44, source_code = "this is not a program" });

        Assert.True(StatusOf(result) == 14, Describe(result));
    }

    [Fact]
    public async Task Given_multi_file_program_without_run_script_Then_internal_error_saying_why()
    {
        var result = await cluster.RunAsync(new { language_id = 89, additional_files = Zip.Base64(("main.c", "int main(){}")) });

        Assert.True(StatusOf(result) == 13, Describe(result));
        Assert.Contains("run", Text(result, "message"));
    }

    [Fact]
    public async Task Given_compile_that_includes_dev_random_Then_compilation_is_stopped_and_reported()
    {
        var result = await cluster.RunAsync(new { language_id = 50, source_code = "#include </dev/random>\nint main(void) { return 0; }" });

        Assert.True(StatusOf(result) == 6, Describe(result));
    }
}
