using System.Text;
using Alerts.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Functions.Tests;

/// <summary>
/// Issue 19, findings 4 and 5: the query string is signed (<c>v2</c>), and a signed request replayed within its window is
/// a duplicate, even when midnight UTC falls between the two.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class SignedQueryAndReplayTests(AlertsApp app)
{
    private static Dictionary<string, string> Signed(string header) => new() { [WebhookSignature.HeaderName] = header };

    private Task<AlertsApp.Response> PostAsync(string pathAndQuery, string body, string contentType, string header) =>
        app.CallAsync(r => app.Ratings.PostAsync(r, CancellationToken.None), "POST", pathAndQuery, body, contentType, Signed(header));

    [Fact]
    public async Task PostRatings_V1SignedDryRunReplayedWithPhishingUrl_Returns401AndStoresNothing()
    {
        var ticker = TestData.Ticker();
        var text = $"JPMorgan upgrades Example Holdings ({ticker}) to Overweight from Neutral";
        var header = WebhookSignature.Sign(AlertsApp.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(text));

        var replayed = await PostAsync("/api/ratings?url=https://phish.example/login", text, "text/plain", header);

        Assert.Equal(StatusCodes.Status401Unauthorized, replayed.Status);
        Assert.Equal("application/problem+json", replayed.ContentType);
        Assert.Contains("v2", replayed.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_V2SignedDryRunReplayedWithoutQuery_Returns401AndStoresNothing()
    {
        var ticker = TestData.Ticker();
        var body = TestData.Change(ticker);
        var header = WebhookSignature.SignV2(AlertsApp.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "/api/ratings?dryRun=true", Encoding.UTF8.GetBytes(body));

        var dryRun = await PostAsync("/api/ratings?dryRun=true", body, "application/json", header);
        var withoutQuery = await PostAsync("/api/ratings", body, "application/json", header);
        var otherQuery = await PostAsync("/api/ratings?dryRun=false", body, "application/json", header);

        Assert.Equal(StatusCodes.Status202Accepted, dryRun.Status);
        Assert.True(dryRun.Json().GetProperty("dryRun").GetBoolean());
        Assert.Equal(StatusCodes.Status401Unauthorized, withoutQuery.Status);
        Assert.Equal(StatusCodes.Status401Unauthorized, otherQuery.Status);
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_HeaderCarryingV1AndV2_AcceptedWithAndWithoutQuery()
    {
        var ticker = TestData.Ticker();
        var body = Encoding.UTF8.GetBytes(TestData.Change(ticker));
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var both = WebhookSignature.Sign(AlertsApp.Secret, t, body) + "," + WebhookSignature.SignV2(AlertsApp.Secret, t, "/api/ratings?dryRun=true", body).Split(',')[1];

        var dryRun = await PostAsync("/api/ratings?dryRun=true", TestData.Change(ticker), "application/json", both);
        var stored = await PostAsync("/api/ratings", TestData.Change(ticker), "application/json", both);

        Assert.Equal(StatusCodes.Status202Accepted, dryRun.Status);
        Assert.Equal(StatusCodes.Status202Accepted, stored.Status);
        Assert.Equal(1, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_V2WithWrongSecret_Returns401()
    {
        var body = TestData.Change(TestData.Ticker());
        var header = WebhookSignature.SignV2(new string('x', 40), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "/api/ratings?dryRun=true", Encoding.UTF8.GetBytes(body));

        var response = await PostAsync("/api/ratings?dryRun=true", body, "application/json", header);

        Assert.Equal(StatusCodes.Status401Unauthorized, response.Status);
    }

    [Fact]
    public async Task PostRatings_ReplayedAcrossMidnightUtc_IsADuplicateAndAlertsOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-1).AddHours(23).AddMinutes(58).AddSeconds(40), TimeSpan.Zero));
        await using var midnight = new AppLifetime(AlertsApp.With(clock));
        await midnight.App.InitializeAsync();
        var ticker = TestData.Ticker();
        var body = TestData.Change(ticker); // no publishedAt: dated by the post
        var header = WebhookSignature.Sign(AlertsApp.Secret, clock.GetUtcNow().ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body));

        var first = await midnight.App.CallAsync(r => midnight.App.Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings", body, "application/json", Signed(header));
        clock.Advance(TimeSpan.FromSeconds(100)); // 00:00:20 the next day, inside the 300 s window
        var replay = await midnight.App.CallAsync(r => midnight.App.Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings", body, "application/json", Signed(header));

        Assert.Equal(StatusCodes.Status202Accepted, first.Status);
        Assert.Equal(1, first.Json().GetProperty("accepted").GetInt32());
        Assert.Equal(StatusCodes.Status202Accepted, replay.Status);
        Assert.Equal(0, replay.Json().GetProperty("accepted").GetInt32());
        Assert.Equal(1, replay.Json().GetProperty("duplicates").GetInt32());
        Assert.Equal(1, (await midnight.App.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    /// <summary>Disposes an app made for one test.</summary>
    private sealed class AppLifetime(AlertsApp app) : IAsyncDisposable
    {
        public AlertsApp App { get; } = app;

        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
