using static Microsoft.Playwright.Assertions;

namespace CodeRunner.Tests.Client;

/// <summary>What a person reads when the runner refuses a run for its rate limit.</summary>
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
