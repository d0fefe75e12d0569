using CodeRunner.Hosting;
using CodeRunner.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CodeRunner.Tests.Client;

/// <summary>What a person reads when the service refuses or cannot answer.</summary>
public sealed class RateLimitTests(Browser browser, RateLimitedIdeChain chain) : IClassFixture<Browser>, IClassFixture<RateLimitedIdeChain>
{
    [Fact]
    public async Task Given_a_runner_allowing_two_runs_a_minute_When_a_third_run_is_made_Then_a_rate_limit_message_shows()
    {
        var ide = await IdePage.OpenAsync(browser, chain.ClientUrl);
        await ide.WaitReadyAsync();
        await ide.SelectLanguageAsync(71);
        await ide.PasteCodeAsync("print('ok')");
        await ide.RunAsync();
        await ide.RunAsync();
        await Expect(ide.Stdout).ToHaveTextAsync("ok\n");

        await ide.RunAsync();

        await Expect(ide.Status).ToHaveTextAsync("Rate limited");
        await Expect(ide.Banner).ToBeVisibleAsync();
        await Expect(ide.Banner).ToContainTextAsync("Rate limit exceeded");
        await Expect(ide.Banner).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Try again in \d+ s"));
    }
}

public sealed class ServerDownTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Given_the_runner_is_not_running_When_the_IDE_opens_Then_it_says_the_server_is_down()
    {
        await using var app = await RunningApp.StartAsync(Roles.Client, ("RUNNER_API_URL", $"http://127.0.0.1:{FreePort.Next()}"));
        var ide = await IdePage.OpenAsync(browser, app.ClientUrl);

        await Expect(ide.Banner).ToBeVisibleAsync();
        await Expect(ide.Banner).ToContainTextAsync("Server down");
        await Expect(ide.Status).ToHaveTextAsync("Server down");
        await Expect(ide.RunButton).ToBeDisabledAsync();
    }
}
