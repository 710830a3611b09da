using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Tests;

/// <summary>From a signed post to the email: store, match through the ticker index, queue, and the timer-triggered dispatcher.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class DispatchAlertsFunctionTests(AlertsApp app)
{
    [Fact]
    public async Task SignedPost_ForAConfirmedSubscriber_SendsExactlyOneAlertEvenWhenPostedTwice()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");

        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        var alert = Assert.Single(app.AlertEmails(email));
        Assert.Equal($"JPMorgan upgrades {ticker} to Overweight from Neutral, PT $12 -> $18", alert.Subject);
        Assert.NotNull(alert.TextBody);
        Assert.NotNull(alert.HtmlBody);
        Assert.Equal("List-Unsubscribe=One-Click", alert.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = (alert.Headers["List-Unsubscribe"] ?? string.Empty).Trim();
        Assert.StartsWith("<https://alerts.example.test/api/subscriptions/", unsubscribe, StringComparison.Ordinal);
        Assert.Contains("/unsubscribe?token=", unsubscribe, StringComparison.Ordinal);
        Assert.Contains(AlertsApp.Links(alert), l => l.AbsolutePath.EndsWith("/manage", StringComparison.Ordinal) && l.Query.StartsWith("?token=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignedPost_AfterEarlierPosts_TheAlertShowsTheStreetsContextFromStoredHistory()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        string DaysAgo(int days) => DateTimeOffset.UtcNow.AddDays(-days).ToString("O");

        // Too old to alert anyone (over 72 hours), but stored: the context still uses them.
        await app.PostRatingsAsync(TestData.Change(ticker, firm: "Morgan Stanley", from: "Overweight", to: "Underweight", fromTarget: 20, toTarget: 9, publishedAt: DaysAgo(10)));
        await app.PostRatingsAsync(TestData.Change(ticker, firm: "UBS", from: "Buy", to: "Buy", fromTarget: 25, toTarget: 30, publishedAt: DaysAgo(4)));
        await app.PostRatingsAsync(TestData.Change(ticker, firm: "Barclays", publishedAt: DaysAgo(100)));
        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        var alert = Assert.Single(app.AlertEmails(email));
        Assert.Equal($"JPMorgan upgrades {ticker} to Overweight from Neutral, PT $12 -> $18", alert.Subject);
        var text = alert.TextBody ?? string.Empty;
        Assert.Contains($"The street on {ticker}", text, StringComparison.Ordinal);
        Assert.Contains("UBS · target raise · Buy · $25 -> $30", text, StringComparison.Ordinal);
        Assert.Contains("Morgan Stanley · downgrade · Overweight -> Underweight · $20 -> $9", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("UBS ·", StringComparison.Ordinal) < text.IndexOf("Morgan Stanley ·", StringComparison.Ordinal), "newest first");
        Assert.DoesNotContain("Barclays", text, StringComparison.Ordinal);
        Assert.Contains("buy 2, hold 0, sell 1", text, StringComparison.Ordinal);
        Assert.Contains("Price targets (USD, 3 firms): mean $19, median $18, from $9 to $30.", text, StringComparison.Ordinal);
        Assert.Contains("JPMorgan's $18 is at the median, 2nd highest of 3.", text, StringComparison.Ordinal);
        Assert.Contains(">Morgan Stanley</td>", alert.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SenderCorrectsItsRecord_CorrectionIsInHistory_AndToldOnceAsACorrectionNotAsNews()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var first = (await app.PostRatingsAsync(TestData.Change(ticker, id: "vendor-77", toTarget: 18))).Json();
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        var corrected = (await app.PostRatingsAsync(TestData.Change(ticker, id: "vendor-77", toTarget: 20))).Json();
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        var firstId = first.GetProperty("changes")[0].GetProperty("id").GetString();
        Assert.Equal(1, corrected.GetProperty("accepted").GetInt32());
        Assert.Equal(firstId, corrected.GetProperty("changes")[0].GetProperty("correctionOf").GetString());
        var history = (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("changes");
        Assert.Equal(2, history.GetArrayLength());

        // Not a second alert of news: one "Corrected:" email (see CorrectionsTests).
        var emails = app.AlertEmails(email);
        Assert.Equal(2, emails.Count);
        Assert.Single(emails, m => (m.Subject ?? string.Empty).StartsWith("Corrected:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplayOfTheSameSignedRequest_WithinTheWindow_ChangesNothing()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var body = TestData.Change(ticker);
        var headers = new Dictionary<string, string>
        {
            [Alerts.Core.Security.WebhookSignature.HeaderName] = Alerts.Core.Security.WebhookSignature.Sign(AlertsApp.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), System.Text.Encoding.UTF8.GetBytes(body)),
        };

        var first = await app.CallAsync(r => app.Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings", body, "application/json", headers);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var replay = await app.CallAsync(r => app.Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings", body, "application/json", headers);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(1, first.Json().GetProperty("accepted").GetInt32());
        Assert.Equal(StatusCodes.Status202Accepted, replay.Status);
        Assert.Equal(0, replay.Json().GetProperty("accepted").GetInt32());
        Assert.Equal(1, replay.Json().GetProperty("duplicates").GetInt32());
        Assert.Equal(1, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
        Assert.Single(app.AlertEmails(email));
    }

    [Fact]
    public async Task SignedPost_NotMatchingTheRules_AlertsNobody()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]", ",\"actions\":[\"downgrade\"]");

        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.PostRatingsAsync(TestData.Change(ticker, firm: "UBS", from: "Buy", to: "Sell"));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        var alert = Assert.Single(app.AlertEmails(email));
        Assert.StartsWith($"UBS downgrades {ticker}", alert.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedPost_PublishedLongAgo_IsStoredButAlertsNobody()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");

        var response = await app.PostRatingsAsync(TestData.Change(ticker, publishedAt: DateTimeOffset.UtcNow.AddHours(-73).ToString("O")));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(1, response.Json().GetProperty("accepted").GetInt32());
        Assert.Equal(1, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
        Assert.Empty(app.AlertEmails(email));
    }

    [Fact]
    public async Task OneClickUnsubscribe_StopsFurtherAlerts()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        var id = await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var alert = app.Emails(email).Last();
        var unsubscribe = new Uri((alert.Headers["List-Unsubscribe"] ?? string.Empty).Trim().Trim('<', '>'));

        var page = await app.CallAsync(r => Task.FromResult(app.Subscriptions.UnsubscribePage(r, id)), "GET", unsubscribe.PathAndQuery, headers: new Dictionary<string, string> { ["Accept"] = "text/html" });
        var oneClick = await app.CallAsync(r => app.Subscriptions.UnsubscribeAsync(r, id, CancellationToken.None), "POST", unsubscribe.PathAndQuery, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
        await app.PostRatingsAsync(TestData.Change(ticker, firm: "Citi"));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status200OK, page.Status);
        Assert.Equal(StatusCodes.Status200OK, oneClick.Status);
        Assert.Single(app.AlertEmails(email));
    }

    [Fact]
    public async Task PostRatings_WhileStorageIsDown_Answers503WithRetryAfterAndRecovers()
    {
        var ticker = TestData.Ticker();
        await app.Azurite.StopAsync();
        AlertsApp.Response down;
        try
        {
            down = await app.PostRatingsAsync(TestData.Change(ticker));
        }
        finally
        {
            await app.Azurite.StartAgainAsync();
        }

        var up = await app.PostRatingsAsync(TestData.Change(ticker));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, down.Status);
        Assert.True(down.Headers.ContainsKey("Retry-After"));
        Assert.Equal(StatusCodes.Status202Accepted, up.Status);
        Assert.Equal(1, up.Json().GetProperty("accepted").GetInt32());
    }
}
