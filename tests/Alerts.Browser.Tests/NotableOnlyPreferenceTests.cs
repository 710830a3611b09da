using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.Browser.Tests;

/// <summary>The "Notable calls only" checkbox of the preference page, ticked and saved in Chromium, read back over HTTP.</summary>
public sealed class NotableOnlyPreferenceTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task NotableCallsOnlyCheckbox_TickedAndSaved_StoredAndShownAgain()
    {
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(subscribed.ManageLink.ToString());
        await Expect(page.Locator("#tickers")).ToHaveValueAsync(subscribed.Ticker);
        await Expect(page.GetByLabel("Notable calls only")).Not.ToBeCheckedAsync();

        await page.GetByLabel("Notable calls only").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");

        Assert.True((await fixture.GetSubscriptionAsync(subscribed)).GetProperty("notableOnly").GetBoolean());
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Notable calls only")).ToBeCheckedAsync();
        await context.CloseAsync();
    }
}
