using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CodeRunner.Tests.Client;

/// <summary>The web IDE as a person uses it: the editor, the boxes, Run, and what comes back.</summary>
internal sealed class IdePage(IPage page)
{
    /// <summary>Messages the browser logged about the Content-Security-Policy (there should be none).</summary>
    public List<string> CspViolations { get; } = [];

    public IPage Page => page;

    public ILocator Editor => page.Locator(".cm-content");
    public ILocator Language => page.Locator("#language");
    public ILocator RunButton => page.Locator("#run");
    public ILocator Stdin => page.Locator("#stdin");
    public ILocator Args => page.Locator("#args");
    public ILocator Status => page.Locator("#status");
    public ILocator Stdout => page.Locator("#stdout");
    public ILocator Stderr => page.Locator("#stderr");
    public ILocator CompileOutput => page.Locator("#compile-output");
    public ILocator CompileBlock => page.Locator("#compile-block");
    public ILocator Time => page.Locator("#time");
    public ILocator Memory => page.Locator("#memory");
    public ILocator Banner => page.Locator("#banner");
    public ILocator HistoryItems => page.Locator(".history-item");

    public static async Task<IdePage> OpenAsync(Browser browser, Uri clientUrl, int width = 1280, int height = 800)
    {
        var page = await browser.NewPageAsync(clientUrl, width, height);
        var ide = new IdePage(page);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                ide.CspViolations.Add(message.Text);
            }
        };
        await page.GotoAsync("/");
        return ide;
    }

    /// <summary>Waits until the language list came from the API and Run can be pressed.</summary>
    public async Task WaitReadyAsync()
    {
        await Expect(RunButton).ToBeEnabledAsync();
        await Expect(Language.Locator("option")).Not.ToHaveCountAsync(0);
    }

    public Task SelectLanguageAsync(int id) => Language.SelectOptionAsync(id.ToString());

    /// <summary>Types like a person, key by key (the editor closes brackets and quotes as it goes).</summary>
    public async Task TypeCodeAsync(string code)
    {
        await Editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.TypeAsync(code);
    }

    /// <summary>Replaces the code as a paste would (multi-line programs keep their own indentation).</summary>
    public async Task PasteCodeAsync(string code)
    {
        await Editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.InsertTextAsync(code);
    }

    public async Task<string> CodeAsync() => (await Editor.InnerTextAsync()).Replace("\u00a0", " ").TrimEnd('\n');

    /// <summary>Clicks Run and waits for a final status (anything but queued/running/submitting).</summary>
    public async Task RunAsync()
    {
        await RunButton.ClickAsync();
        await WaitFinishedAsync();
    }

    public async Task WaitFinishedAsync()
    {
        await Expect(Status).Not.ToHaveAttributeAsync("data-status", new System.Text.RegularExpressions.Regex("^(idle|queued|running)$"),
            new LocatorAssertionsToHaveAttributeOptions { Timeout = 90_000 });
        await Expect(RunButton).ToBeEnabledAsync();
    }
}
