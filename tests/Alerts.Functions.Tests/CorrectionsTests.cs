using System.Text.Json.Nodes;
using Alerts.Core.Digests;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Functions.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Functions.Tests;

/// <summary>
/// Corrections and withdrawals through the functions: a sender's re-post of its record with another rating or target after
/// the alert went out, and Benzinga's pushed updates and deletions, each told once to whoever received the alert (by
/// email, or in their digest); an edit of nothing a subscriber sees tells nobody.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class CorrectionsTests(AlertsApp app)
{
    /// <summary>Benzinga's recorded Redburn downgrade of AAPL (2024-01-10 06:51:15 New York, $200), moved to yesterday.</summary>
    private const string RedburnId = "659e84b3b02d4100013258aa";

    private static readonly int DaysToYesterday = VendorSample.DaysBetween(new DateOnly(2024, 1, 10), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1));

    private async Task SendAsync()
    {
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
    }

    private static string Repost(string ticker, string id, decimal toTarget, string analyst = "Reginald Smith") =>
        $$"""{"id":"{{id}}","ticker":"{{ticker}}","firm":"J.P. Morgan","analyst":"{{analyst}}","fromRating":"Neutral","toRating":"Overweight","fromTarget":12,"toTarget":{{toTarget}},"source":"tests"}""";

    [Fact]
    public async Task Repost_SameIdAnotherTargetAfterItsAlert_OneCorrectedEmailToWhoGotTheAlertOnly()
    {
        var ticker = TestData.Ticker();
        var told = TestData.Email();
        await app.SubscribeAndConfirmAsync(told, $"[\"{ticker}\"]");
        var id = "corr-" + Guid.NewGuid().ToString("N");
        await app.PostRatingsAsync(Repost(ticker, id, 18));
        await SendAsync();
        Assert.Single(app.AlertEmails(told));

        // A subscriber who arrives after the alert was never told $18: the correction is not theirs.
        var late = TestData.Email();
        await app.SubscribeAndConfirmAsync(late, $"[\"{ticker}\"]");
        var corrected = await app.PostRatingsAsync(Repost(ticker, id, 16));
        await SendAsync();

        Assert.Equal(StatusCodes.Status202Accepted, corrected.Status);
        var emails = app.AlertEmails(told);
        Assert.Equal(2, emails.Count);
        var correction = Assert.Single(emails, m => (m.Subject ?? string.Empty).StartsWith("Corrected:", StringComparison.Ordinal));
        Assert.Equal($"Corrected: JPMorgan upgrades {ticker} to Overweight from Neutral, PT $12 -> $16", correction.Subject);
        Assert.Contains("Price target corrected: $12 -> $18 (+50%) -> $12 -> $16 (+33.3%)", correction.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Was: JPMorgan upgrades {ticker} to Overweight from Neutral, PT $12 -> $18", correction.TextBody, StringComparison.Ordinal);
        Assert.Contains("/unsubscribe?token=", correction.Headers["List-Unsubscribe"]);
        Assert.Empty(app.AlertEmails(late));

        // The same correction posted again, and the steps run again: nothing more.
        await app.PostRatingsAsync(Repost(ticker, id, 16));
        await SendAsync();
        Assert.Equal(2, app.AlertEmails(told).Count);
    }

    [Fact]
    public async Task Repost_SameIdEditingOnlyTheAnalystsName_SendsNothing()
    {
        var ticker = TestData.Ticker();
        var email = TestData.Email();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var id = "corr-" + Guid.NewGuid().ToString("N");
        await app.PostRatingsAsync(Repost(ticker, id, 18));
        await SendAsync();

        var edited = await app.PostRatingsAsync(Repost(ticker, id, 18, analyst: "Reggie Smith"));
        await SendAsync();

        Assert.Equal(StatusCodes.Status202Accepted, edited.Status);
        Assert.Single(app.AlertEmails(email));

        // A material correction after the silent edit is still told, against what the subscriber was told.
        await app.PostRatingsAsync(Repost(ticker, id, 20, analyst: "Reggie Smith"));
        await SendAsync();
        var correction = Assert.Single(app.AlertEmails(email), m => (m.Subject ?? string.Empty).StartsWith("Corrected:", StringComparison.Ordinal));
        Assert.Contains($"Was: JPMorgan upgrades {ticker} to Overweight from Neutral, PT $12 -> $18", correction.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DigestSubscriber_Correction_ComesInTheDigest()
    {
        var ticker = TestData.Ticker();
        var email = TestData.Email();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]", ",\"delivery\":\"digest\",\"timeZone\":\"Europe/Paris\",\"digestTime\":\"07:30\"");
        var id = "corr-" + Guid.NewGuid().ToString("N");
        await app.PostRatingsAsync(Repost(ticker, id, 18));
        await SendAsync();
        await app.PostRatingsAsync(Repost(ticker, id, 16));
        await SendAsync();
        Assert.Empty(app.AlertEmails(email));

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(25));
        var digests = ActivatorUtilities.CreateInstance<DigestSender>(app.Services, clock);
        await new SendDigestsFunction(digests, NullLogger<SendDigestsFunction>.Instance).RunAsync(new TimerInfo(), CancellationToken.None);

        var digest = Assert.Single(app.AlertEmails(email));
        Assert.Equal("Alerts digest: 2 changes on 1 ticker", digest.Subject);
        Assert.Contains($"Corrected: JPMorgan upgrades {ticker} to Overweight from Neutral, PT $12 -> $16", digest.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenzingaPush_CreatedUpdatedRemoved_OneAlertOneCorrectedOneWithdrawn_RepeatsChangeNothing()
    {
        var ticker = TestData.Ticker();
        var email = TestData.Email();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var record = Redburn(ticker);

        var created = await PushAsync(Delivery("created", record));
        await SendAsync();
        Assert.Equal(StatusCodes.Status200OK, created.Status);
        Assert.Equal(1, created.Json().GetProperty("accepted").GetInt32());
        var alert = Assert.Single(app.AlertEmails(email));
        Assert.Equal($"Redburn Atlantic downgrades {ticker} to Neutral from Buy, PT $200", alert.Subject);

        // Benzinga edits the target an hour later; the same delivery comes twice (a retry after a lost answer).
        record["pt_current"] = "180.0000";
        record["updated"] = (long)record["updated"]! + 3600;
        var update = Delivery("updated", record);
        await PushAsync(update);
        var repeated = await PushAsync(update);
        await SendAsync();
        Assert.Equal(1, repeated.Json().GetProperty("duplicates").GetInt32());
        var corrected = Assert.Single(app.AlertEmails(email), m => (m.Subject ?? string.Empty).StartsWith("Corrected:", StringComparison.Ordinal));
        Assert.Equal($"Corrected: Redburn Atlantic downgrades {ticker} to Neutral from Buy, PT $180", corrected.Subject);
        Assert.Contains("Price target corrected: $200 -> $180", corrected.TextBody, StringComparison.Ordinal);

        // Then deletes it: one "Withdrawn:", however often the deletion comes.
        var removal = Delivery("removed", record);
        var removed = await PushAsync(removal);
        await PushAsync(Delivery("removed", record));
        await SendAsync();
        Assert.Equal(1, removed.Json().GetProperty("withdrawn").GetInt32());
        var withdrawn = Assert.Single(app.AlertEmails(email), m => (m.Subject ?? string.Empty).StartsWith("Withdrawn:", StringComparison.Ordinal));
        Assert.Equal($"Withdrawn: Redburn Atlantic downgrades {ticker} to Neutral from Buy, PT $180", withdrawn.Subject);
        Assert.Equal(3, app.AlertEmails(email).Count);

        // History keeps each version, the withdrawal last.
        var history = (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("changes");
        Assert.Equal(3, history.GetArrayLength());
    }

    [Fact]
    public async Task BenzingaPush_WithoutTheToken_401AndNothingStored()
    {
        var ticker = TestData.Ticker();

        var response = await app.CallAsync(r => app.BenzingaPush.PostAsync(r, CancellationToken.None), "POST", "/api/feeds/benzinga?token=wrong-token-0123456789abcdef", Delivery("created", Redburn(ticker)).ToJsonString(), "application/json");

        Assert.Equal(StatusCodes.Status401Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("changes").GetArrayLength());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"id": "d-1", "kind": "data/v2.1/calendar/ratings", "data": {"action": "created"}}""")]
    [InlineData("""{"id": "d-1", "kind": "data/v2.1/calendar/ratings", "data": {"action": "renamed", "content": {}}}""")]
    [InlineData("""{"kind": "data/v2.1/calendar/ratings", "data": {"action": "removed"}}""")]
    public async Task BenzingaPush_NotADelivery_400ProblemDetails(string body)
    {
        var response = await PushAsync(body);

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
    }

    [Fact]
    public async Task BenzingaPush_ABatchWithANegativeTarget_RefusedWholeNothingStored()
    {
        var ticker = TestData.Ticker();
        var good = Redburn(ticker);
        var bad = Redburn(ticker);
        bad["id"] = "bad-" + Guid.NewGuid().ToString("N");
        bad["pt_current"] = "-5.00";

        var response = await PushAsync(new JsonArray(Delivery("created", good), Delivery("created", bad)).ToJsonString());

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Contains("\"index\":1", response.Body, StringComparison.Ordinal);
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("changes").GetArrayLength());
    }

    private static JsonObject Redburn(string ticker)
    {
        var record = VendorSample.Records(VendorSample.BenzingaAapl).Single(r => (string?)r["id"] == RedburnId).DeepClone().AsObject();
        var moved = JsonNode.Parse(VendorSample.Rewrite(VendorSample.BenzingaAapl, DaysToYesterday, keep: r => (string?)r["id"] == RedburnId))!["ratings"]![0]!.AsObject();
        record["date"] = (string?)moved["date"];
        record["updated"] = (long?)moved["updated"];
        record["ticker"] = ticker;
        record["id"] = RedburnId + "-" + ticker; // one record per test: the store is shared
        return record;
    }

    /// <summary>A delivery as Benzinga's data webhook describes it (the envelope's shape is the documented one; see docs/feeds.md).</summary>
    private static JsonObject Delivery(string action, JsonObject record) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["api_version"] = "webhook/v1",
        ["kind"] = "data/v2.1/calendar/ratings",
        ["data"] = new JsonObject
        {
            ["action"] = action,
            ["id"] = (string?)record["id"],
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["content"] = record.DeepClone(),
        },
    };

    private Task<AlertsApp.Response> PushAsync(JsonObject delivery) => PushAsync(delivery.ToJsonString());

    private Task<AlertsApp.Response> PushAsync(string body) =>
        app.CallAsync(r => app.BenzingaPush.PostAsync(r, CancellationToken.None), "POST", "/api/feeds/benzinga?token=" + AlertsApp.BenzingaToken, body, "application/json");
}
