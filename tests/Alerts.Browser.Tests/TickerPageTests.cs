using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.Browser.Tests;

/// <summary>
/// The ticker's page in headless Chromium, reached from the link of an actual alert .eml: the seed's CIFR upgrade and
/// other firms' changes in its table, one chart mark per change with a target, no script and no CSP error, and
/// screenshots at a phone's and a desktop's width (saved under the test output folder, <c>screenshots/</c>).
/// </summary>
public sealed class TickerPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    private static string Screenshots
    {
        get
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    private static string DaysAgo(int days) => DateTimeOffset.UtcNow.AddDays(-days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Other firms' changes on CIFR over the past months: five with a target, one without.</summary>
    private static string OtherFirms() => string.Join('\n',
        $$"""{"ticker":"CIFR","company":"Cipher Mining","firm":"Citi","action":"initiate","toRating":"Buy","toTarget":10,"publishedAt":"{{DaysAgo(200)}}"}""",
        $$"""{"ticker":"CIFR","company":"Cipher Mining","firm":"UBS","action":"initiate","toRating":"Neutral","toTarget":9,"publishedAt":"{{DaysAgo(150)}}"}""",
        $$"""{"ticker":"CIFR","company":"Cipher Mining","firm":"Citi","action":"target_raise","toRating":"Buy","fromTarget":10,"toTarget":14,"publishedAt":"{{DaysAgo(80)}}"}""",
        $$"""{"ticker":"CIFR","company":"Cipher Mining","firm":"Needham","action":"initiate","toRating":"Buy","toTarget":16,"publishedAt":"{{DaysAgo(45)}}"}""",
        $$"""{"ticker":"CIFR","company":"Cipher Mining","firm":"UBS","action":"downgrade","fromRating":"Neutral","toRating":"Sell","fromTarget":9,"toTarget":7,"publishedAt":"{{DaysAgo(20)}}"}""",
        $$"""{"ticker":"CIFR","company":"Cipher Mining","firm":"Needham","action":"reiterate","toRating":"Buy","publishedAt":"{{DaysAgo(5)}}"}""");

    private async Task<(IPage Page, List<string> Errors)> OpenAsync(Uri url, ViewportSize viewport, int status = 200)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text + " (" + message.Location + ")");
            }
        };
        var response = await page.GotoAsync(url.ToString());
        Assert.NotNull(response);
        Assert.Equal(status, response.Status);
        return (page, errors);
    }

    [Fact]
    public async Task CifrUpgradeAlert_LinksToTickerPage_TableChartAndDistributionShowTheChanges()
    {
        // The seed's CIFR upgrade reaches a subscriber; its alert links to /t/CIFR.
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), "CIFR", company: "Cipher Mining");
        Assert.NotNull(subscribed.TickerLink);
        Assert.Equal("/t/CIFR", subscribed.TickerLink.AbsolutePath);
        await fixture.PostRatingsAsync(OtherFirms(), "application/x-ndjson");

        foreach (var (name, viewport) in new[] { ("desktop", Desktop), ("phone", Phone) })
        {
            var (page, errors) = await OpenAsync(subscribed.TickerLink, viewport);
            await Expect(page.Locator("h1")).ToHaveTextAsync("CIFR (Cipher Mining)");

            // The table, newest first: the upgrade on top, all seven changes listed, with scripts off.
            var rows = page.Locator("#changes tbody tr");
            await Expect(rows).ToHaveCountAsync(7);
            await Expect(rows.Nth(0)).ToContainTextAsync("JPMorgan");
            await Expect(rows.Nth(0)).ToContainTextAsync("Neutral -> Overweight");
            await Expect(rows.Nth(0)).ToContainTextAsync("$12 -> $18");
            await Expect(rows.Nth(2)).ToContainTextAsync("UBS");
            await Expect(rows.Nth(2)).ToContainTextAsync("Neutral -> Sell");
            await Expect(rows.Nth(6)).ToContainTextAsync("Citi");

            // The chart: one mark per change with a target (six; Needham's reiteration has none), one series per firm.
            await Expect(page.Locator("svg#targets circle.mark")).ToHaveCountAsync(6);
            await Expect(page.Locator("svg#targets circle.mark[data-change]")).ToHaveCountAsync(6);
            await Expect(page.Locator(".legend li")).ToHaveCountAsync(4 + 2);
            await Expect(page.Locator("svg#targets polyline.street.mean")).ToHaveCountAsync(1);
            var chart = await page.Locator("svg#targets").BoundingBoxAsync();
            Assert.NotNull(chart);
            Assert.True(chart.Width <= viewport.Width, $"the chart ({chart.Width}px) is wider than the {name} screen");
            Assert.True(chart.Height > 100, $"the chart is only {chart.Height}px high on the {name} screen");

            // The street now: JPMorgan and Needham at buy, UBS at sell (Citi's last word is 80 days old: inside the 90 days).
            var levels = page.Locator("table.levels tbody tr");
            await Expect(levels.Nth(1)).ToContainTextAsync("Buy3");
            await Expect(levels.Nth(3)).ToContainTextAsync("Sell1");

            // No subscriber data, no script, nothing refused by the Content-Security-Policy.
            Assert.DoesNotContain(subscribed.Email, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
            await Expect(page.Locator("script")).ToHaveCountAsync(0);
            Assert.Empty(errors);

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"ticker-page-{name}.png"), FullPage = true });
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task UnknownAndInvalidTickers_AnswerAPageWith404And400()
    {
        var (unknown, _) = await OpenAsync(new Uri($"{fixture.Runner.BaseUrl}/t/{BrowserFixture.NewTicker()}"), Phone, status: 404);
        await Expect(unknown.Locator("h1")).ToContainTextAsync("Nothing on");
        await unknown.Context.CloseAsync();

        var (invalid, _) = await OpenAsync(new Uri($"{fixture.Runner.BaseUrl}/t/{Uri.EscapeDataString("<b>!")}"), Phone, status: 400);
        await Expect(invalid.Locator("h1")).ToHaveTextAsync("Not a ticker");
        await invalid.Context.CloseAsync();
    }
}
