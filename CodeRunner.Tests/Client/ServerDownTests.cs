using CodeRunner.Hosting;
using CodeRunner.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace CodeRunner.Tests.Client;

/// <summary>The IDE when the runner behind the client does not answer.</summary>
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
