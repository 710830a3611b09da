using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Alerts.Browser.Tests;

/// <summary>
/// A channel whose receiver keeps refusing is paused, and the preference page shows it with its note (in Chromium, on
/// the local runner); removing it there stops it. The receiver is a local stand-in server.
/// </summary>
public sealed class ChannelsPreferenceTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task PreferencePage_ChannelPausedAfterFailures_ShowsTheNoteAndRemovesIt()
    {
        var alerts = 0;
        await using var receiver = await CaptureServer.StartAsync(request =>
        {
            using var body = JsonDocument.Parse(request.Body);
            if (body.RootElement.GetProperty("type").GetString() == "url_verification")
            {
                return (200, body.RootElement.GetProperty("challenge").GetString(), null);
            }

            Interlocked.Increment(ref alerts);
            return (410, null, null); // gone: refused for good, so each alert is dead-lettered at once
        });
        var subscribed = await fixture.SubscribeConfirmAndGetAlertAsync(BrowserFixture.NewEmail(), BrowserFixture.NewTicker());
        var put = new HttpRequestMessage(HttpMethod.Put, $"{fixture.Runner.BaseUrl}/api/subscriptions/{subscribed.Id}")
        {
            Content = JsonContent.Create(new { tickers = new[] { subscribed.Ticker }, channels = new[] { new { type = "webhook", url = $"{receiver.BaseUrl}/hook" } } }),
        };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", subscribed.Token);
        var added = await fixture.Http.SendAsync(put);
        Assert.True(added.IsSuccessStatusCode, $"PUT answered {added.StatusCode}: {await added.Content.ReadAsStringAsync()}");

        // The default pause comes after 3 alerts in a row dead-lettered.
        foreach (var firm in new[] { "Citi", "Barclays", "UBS" })
        {
            await fixture.PostRatingsAsync($$"""{"ticker":"{{subscribed.Ticker}}","firm":"{{firm}}","fromRating":"Neutral","toRating":"Buy","fromTarget":12,"toTarget":19}""");
        }

        await Eventually.UntilAsync(
            async () => (await fixture.GetSubscriptionAsync(subscribed)).GetProperty("channels")[0].GetProperty("paused").GetBoolean(),
            TimeSpan.FromSeconds(60), "the channel to be paused");
        Assert.Equal(3, alerts);

        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(subscribed.ManageLink.ToString());
        var channel = page.Locator("#channel-list li").First;
        await Expect(channel).ToContainTextAsync("Webhook");
        await Expect(page.Locator("#channel-0-paused")).ToContainTextAsync("Paused");
        await Expect(page.Locator("#channel-0-paused")).ToContainTextAsync("could not be delivered");

        await channel.GetByLabel("Remove").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved");
        Assert.Equal(0, (await fixture.GetSubscriptionAsync(subscribed)).GetProperty("channels").GetArrayLength());
        await context.CloseAsync();
    }
}
