using CodeRunner.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CodeRunner.Tests.Client;

/// <summary>The web IDE in Chromium against the real chain (client → runner → lb → judge-server → worker).</summary>
public sealed class IdeTests(Browser browser, IdeChain chain) : IClassFixture<Browser>, IClassFixture<IdeChain>
{
    private const int Python = 71;
    private const int C = 50;

    [Fact]
    public async Task Given_a_python_program_typed_in_the_editor_When_Run_is_clicked_Then_its_output_status_time_and_memory_show()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);

        await ide.TypeCodeAsync("print(\"hello from the browser\", 6 * 7)");
        await ide.RunAsync();

        await Expect(ide.Stdout).ToHaveTextAsync("hello from the browser 42\n");
        await Expect(ide.Status).ToHaveTextAsync("Accepted");
        await Expect(ide.Time).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d{3} s$"));
        await Expect(ide.Memory).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+(\.\d)? (KB|MB)$"));
        Assert.Empty(ide.CspViolations);
        // CodeMirror's own styles applied (the policy blocks inline <style>): its gutters are a flex row.
        Assert.Equal("flex", await ide.Page.Locator(".cm-gutters").EvaluateAsync<string>("e => getComputedStyle(e).display"));
    }

    [Fact]
    public async Task Given_a_program_that_takes_a_while_When_run_Then_a_live_status_shows_until_it_finishes()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);
        await ide.PasteCodeAsync("import time\ntime.sleep(2)\nprint('done')");

        await ide.RunButton.ClickAsync();

        await Expect(ide.Status).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(In Queue|Processing)… \d+\.\d s$"));
        await Expect(ide.RunButton).ToBeDisabledAsync();
        await ide.WaitFinishedAsync();
        await Expect(ide.Status).ToHaveTextAsync("Accepted");
        await Expect(ide.Stdout).ToHaveTextAsync("done\n");
    }

    [Fact]
    public async Task Given_C_code_that_does_not_compile_When_run_Then_a_compilation_error_and_the_compiler_message_show()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(C);

        await ide.PasteCodeAsync("#include <stdio.h>\n\nint main(void) {\n    return no_such_variable;\n}\n");
        await ide.RunAsync();

        await Expect(ide.Status).ToHaveTextAsync("Compilation Error");
        await Expect(ide.Status).ToHaveAttributeAsync("data-status", "compile");
        await Expect(ide.CompileBlock).ToBeVisibleAsync();
        await Expect(ide.CompileOutput).ToContainTextAsync("no_such_variable");
        await Expect(ide.Stdout).ToHaveTextAsync("Not run: the program did not compile.");
    }

    [Fact]
    public async Task Given_text_in_the_stdin_box_When_run_Then_the_program_reads_it()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);
        await ide.PasteCodeAsync("import sys\nprint(sys.stdin.read()[::-1].upper())\n");

        await ide.Stdin.FillAsync("dessertS ünicode");
        await ide.RunAsync();

        await Expect(ide.Stdout).ToHaveTextAsync("EDOCINÜ STRESSED\n");
    }

    [Fact]
    public async Task Given_arguments_in_the_arguments_box_When_run_Then_the_program_gets_them_as_argv()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);
        await ide.PasteCodeAsync("import sys\nprint(sys.argv[1:])\n");

        await ide.Args.FillAsync("one \"two words\" 3");
        await ide.RunAsync();

        await Expect(ide.Stdout).ToHaveTextAsync("['one', 'two words', '3']\n");
    }

    [Fact]
    public async Task Given_the_editor_has_focus_When_Ctrl_Enter_is_pressed_Then_the_program_runs()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);
        await ide.PasteCodeAsync("print('run by keyboard')");

        await ide.Page.Keyboard.PressAsync("Control+Enter");
        await ide.WaitFinishedAsync();

        await Expect(ide.Stdout).ToHaveTextAsync("run by keyboard\n");
    }

    [Fact]
    public async Task Given_an_earlier_run_When_its_history_entry_is_clicked_Then_its_code_and_stdin_come_back()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);
        const string first = "name = input()\nprint('first run,', name)";
        await ide.PasteCodeAsync(first);
        await ide.Stdin.FillAsync("Ada");
        await ide.RunAsync();
        await Expect(ide.HistoryItems.First).ToContainTextAsync("name = input()");

        await ide.PasteCodeAsync("print('something else')");
        await ide.Stdin.FillAsync("");
        await ide.HistoryItems.First.ClickAsync();

        Assert.Equal(first, await ide.CodeAsync());
        await Expect(ide.Stdin).ToHaveValueAsync("Ada");
        await Expect(ide.Language).ToHaveValueAsync(Python.ToString());
    }

    [Fact]
    public async Task Given_the_light_theme_and_a_font_size_are_chosen_When_the_page_is_opened_again_Then_the_settings_come_back()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await Expect(ide.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");

        var saved = ide.Page.WaitForResponseAsync(r => r.Url.EndsWith("/api/settings") && r.Request.Method == "PUT"
            && r.Request.PostData?.Contains("\"font_size\":18") == true);
        await ide.Page.Locator("#theme").ClickAsync();
        await ide.Page.Locator("#font-size").SelectOptionAsync("18");
        Assert.Equal(200, (await saved).Status);
        await ide.Page.ReloadAsync();
        await ide.WaitReadyAsync();

        await Expect(ide.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await Expect(ide.Page.Locator("#font-size")).ToHaveValueAsync("18");
    }

    [Fact]
    public async Task Given_a_phone_width_screen_Then_nothing_overflows_sideways_and_Run_is_on_screen()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl, width: 390, height: 844);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);
        await ide.PasteCodeAsync("print('x' * 300)");
        await ide.RunAsync();
        await Expect(ide.Stdout).ToContainTextAsync("xxxx");

        var overflow = await ide.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than a 390 px screen");
        await Expect(ide.RunButton).ToBeInViewportAsync();
        var box = await ide.Editor.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width <= 390, $"the editor is {box.Width} px wide");
    }

    [Fact]
    public async Task Given_a_run_with_stdin_and_history_Then_a_screenshot_of_the_IDE_is_saved_for_the_README()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(Python);
        await ide.PasteCodeAsync("print('warming up')");
        await ide.RunAsync();
        await ide.PasteCodeAsync(
            "import sys\n\n\ndef greet(name: str) -> str:\n    return f\"Hello, {name}!\"\n\n\n" +
            "for line in sys.stdin:\n    if line.strip():\n        print(greet(line.strip()))\n" +
            "print(\"args:\", sys.argv[1:], file=sys.stderr)\n");
        await ide.Stdin.FillAsync("Ada\nGrace\nLinus");
        await ide.Args.FillAsync("--shout 3");

        await ide.RunAsync();

        await Expect(ide.Stdout).ToHaveTextAsync("Hello, Ada!\nHello, Grace!\nHello, Linus!\n");
        await Expect(ide.HistoryItems).ToHaveCountAsync(2);
        var path = Path.Combine(Repository.Root, "docs", "ide.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await ide.Page.ScreenshotAsync(new() { Path = path });
        Assert.True(new FileInfo(path).Length > 10_000);
    }
}
