using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.Browser.Tests;

/// <summary>
/// The preference page as a person uses it: opened from the manage link of an actual alert .eml in headless Chromium,
/// changed with the mouse or with the keyboard alone, saved, and the stored subscription read back over HTTP.
/// </summary>
public sealed class PreferencePageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>A phone's viewport: the page must be readable there.</summary>
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>A fresh page that records script errors and CSP violations (both reach the console as errors).</summary>
    private async Task<(IPage Page, List<string> Errors)> OpenAsync(Subscribed subscribed, ViewportSize? viewport = null)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport ?? Phone });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text + " (" + message.Location + ")");
            }
        };
        page.PageError += (_, error) => errors.Add(error);

        var response = await page.GotoAsync(subscribed.ManageLink.ToString());
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);

        // The form appears once the script has read the subscription.
        await Expect(page.Locator("#tickers")).ToBeVisibleAsync();
        await Expect(page.Locator("#tickers")).ToHaveValueAsync(subscribed.Ticker);
        return (page, errors);
    }

    private static async Task<string?> FocusedIdAsync(IPage page) =>
        await page.EvaluateAsync<string?>("() => document.activeElement ? document.activeElement.id : null");

    /// <summary>Presses Tab until the element with <paramref name="id"/> has the focus (or fails after <paramref name="max"/> presses).</summary>
    private static async Task TabToAsync(IPage page, string id, int max = 40)
    {
        for (var i = 0; i < max; i++)
        {
            if (await FocusedIdAsync(page) == id)
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"#{id} was not reached with {max} presses of Tab; the focus is on #{await FocusedIdAsync(page)}");
    }

    [Fact]
    public async Task ManageLinkFromAlertEmail_ChangeTickersAndARule_SavedSubscriptionChanged()
    {
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var (page, errors) = await OpenAsync(subscribed);
        await Expect(page.Locator("#email")).ToHaveTextAsync(subscribed.Email);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "manage-page.png"), FullPage = true });

        await page.GetByLabel("Tickers you follow").FillAsync($"{subscribed.Ticker}, nvda\nMSFT");
        await page.GetByLabel("Upgrades").CheckAsync();
        await page.GetByLabel("Minimum new rating").SelectOptionAsync("buy");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        await Expect(page.Locator("#tickers")).ToHaveValueAsync($"{subscribed.Ticker}, NVDA, MSFT");
        var stored = await fixture.GetSubscriptionAsync(subscribed);
        Assert.Equal([subscribed.Ticker, "NVDA", "MSFT"], Strings(stored.GetProperty("tickers")));
        Assert.Equal(["upgrade"], Strings(stored.GetProperty("actions")));
        Assert.Equal("buy", stored.GetProperty("minRating").GetString());
        Assert.Equal("any", stored.GetProperty("direction").GetString());
        Assert.False(stored.GetProperty("paused").GetBoolean());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task UnlistedTicker_SavedWithAWarningOfferingTheNearOnes()
    {
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var (page, errors) = await OpenAsync(subscribed);

        await page.GetByLabel("Tickers you follow").FillAsync("MSFT, appl");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        await Expect(page.Locator("#tickers-warning")).ToBeVisibleAsync();
        await Expect(page.Locator("#tickers-warning")).ToContainTextAsync("\"APPL\" is not a listed ticker. Did you mean AAPL");
        var stored = await fixture.GetSubscriptionAsync(subscribed);
        Assert.Equal(["MSFT", "APPL"], Strings(stored.GetProperty("tickers")));

        await page.GetByLabel("Tickers you follow").FillAsync("MSFT, AAPL");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#tickers-warning")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task KeyboardOnly_TabToFieldsTypeAndSaveWithEnter_SavedSubscriptionChanged()
    {
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var (page, errors) = await OpenAsync(subscribed);

        await TabToAsync(page, "tickers");
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.InsertTextAsync("AMD, intc");

        // Direction is one tab stop (a radio group): arrows move within it.
        await TabToAsync(page, "direction-any");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("direction-positive", await FocusedIdAsync(page));

        await TabToAsync(page, "paused");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#paused")).ToBeCheckedAsync();

        await TabToAsync(page, "save");
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        var stored = await fixture.GetSubscriptionAsync(subscribed);
        Assert.Equal(["AMD", "INTC"], Strings(stored.GetProperty("tickers")));
        Assert.Equal("positive", stored.GetProperty("direction").GetString());
        Assert.True(stored.GetProperty("paused").GetBoolean());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task BadInput_ErrorsShownNextToTheirFieldsAndNothingStored()
    {
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var (page, errors) = await OpenAsync(subscribed);

        await page.GetByLabel("Tickers you follow").FillAsync("AAPL, $$$");
        await page.GetByLabel("Minimum price-target move, in percent").FillAsync("5000");
        await page.Locator("#save").FocusAsync();
        await page.Keyboard.PressAsync("Space");

        var tickersError = page.Locator("#tickers-error");
        await Expect(tickersError).ToBeVisibleAsync();
        await Expect(tickersError).ToContainTextAsync("\"$$$\"");
        await Expect(page.Locator("#minTargetChangePct-error")).ToContainTextAsync("1000");
        await Expect(page.Locator("#tickers")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#tickers")).ToHaveAttributeAsync("aria-describedby", new System.Text.RegularExpressions.Regex("tickers-error"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Not saved");
        Assert.Equal("tickers", await FocusedIdAsync(page));
        await Expect(page.Locator("#firms-error")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "manage-page-errors.png"), FullPage = false });

        var stored = await fixture.GetSubscriptionAsync(subscribed);
        Assert.Equal([subscribed.Ticker], Strings(stored.GetProperty("tickers")));
        Assert.False(stored.TryGetProperty("minTargetChangePct", out _));

        // Fixed, it saves, and the errors go.
        await page.GetByLabel("Tickers you follow").FillAsync("AAPL");
        await page.GetByLabel("Minimum price-target move, in percent").FillAsync("15");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        await Expect(tickersError).ToBeHiddenAsync();
        Assert.Equal(15m, (await fixture.GetSubscriptionAsync(subscribed)).GetProperty("minTargetChangePct").GetDecimal());

        // The 400 itself is logged by Chromium as a failed resource load; nothing else may be.
        Assert.True(errors.All(e => e.StartsWith("Failed to load resource", StringComparison.Ordinal) && e.Contains("/api/subscriptions/", StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Fact]
    public async Task DeliverySettings_ChangeModeZoneQuietHoursAndCap_SavedSubscriptionChanged()
    {
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var (page, errors) = await OpenAsync(subscribed);

        // No zone chosen yet: the browser's own is offered; instant is the default.
        var browserZone = await page.EvaluateAsync<string>("() => Intl.DateTimeFormat().resolvedOptions().timeZone");
        await Expect(page.Locator("#timeZone")).ToHaveValueAsync(browserZone);
        await Expect(page.GetByLabel("Each alert as it comes")).ToBeCheckedAsync();
        await Expect(page.Locator("#quiet-times")).ToBeHiddenAsync();

        await page.GetByLabel("One digest a day").CheckAsync();
        await page.GetByLabel("Time zone", new() { Exact = true }).FillAsync("America/New_York");
        await page.GetByLabel("Digest time", new() { Exact = true }).FillAsync("06:45");
        await page.GetByLabel("Quiet hours", new() { Exact = true }).CheckAsync();
        await Expect(page.Locator("#quiet-times")).ToBeVisibleAsync();
        await page.GetByLabel("Quiet from", new() { Exact = true }).FillAsync("21:30");
        await page.GetByLabel("Quiet until", new() { Exact = true }).FillAsync("06:00");
        await page.GetByLabel("At most this many emails per hour").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("daily digest");
        var stored = await fixture.GetSubscriptionAsync(subscribed);
        Assert.Equal("digest", stored.GetProperty("delivery").GetString());
        Assert.Equal("America/New_York", stored.GetProperty("timeZone").GetString());
        Assert.Equal("06:45", stored.GetProperty("digestTime").GetString());
        Assert.Equal("21:30", stored.GetProperty("quietHours").GetProperty("start").GetString());
        Assert.Equal("06:00", stored.GetProperty("quietHours").GetProperty("end").GetString());
        Assert.Equal(12, stored.GetProperty("maxPerHour").GetInt32());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "manage-page-delivery.png"), FullPage = true });

        // A zone that does not exist: shown next to its field, focused, and nothing stored.
        await page.GetByLabel("Time zone", new() { Exact = true }).FillAsync("Mars/Olympus_Mons");
        await page.GetByLabel("At most this many emails per hour").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("#timeZone-error")).ToContainTextAsync("IANA");
        await Expect(page.Locator("#maxPerHour-error")).ToContainTextAsync("1 to 1000");
        await Expect(page.Locator("#timeZone")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal("America/New_York", (await fixture.GetSubscriptionAsync(subscribed)).GetProperty("timeZone").GetString());
        Assert.True(errors.All(e => e.StartsWith("Failed to load resource", StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Fact]
    public async Task UnsubscribeButton_DeletesTheSubscription()
    {
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var (page, errors) = await OpenAsync(subscribed);

        await page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You are unsubscribed");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, await fixture.GetSubscriptionStatusAsync(subscribed));
        Assert.Empty(errors);
    }
}
