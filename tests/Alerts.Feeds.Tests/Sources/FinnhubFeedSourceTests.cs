using Alerts.Core.Ratings;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Feeds.Tests.Sources;

public sealed class FinnhubFeedSourceTests : IAsyncLifetime
{
    private CaptureServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await CaptureServer.StartAsync(request => Responses.Json(Fixture.Text(
            request.Query.GetValueOrDefault("symbol") == "MSFT" ? "finnhub-upgrade-downgrade-msft.json" : "finnhub-upgrade-downgrade-aapl.json")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private FeedTestHost Host(string? symbols = "AAPL", TimeProvider? time = null) =>
        FeedTestHost.Create(new FeedSettings().Source("finnhub-main", "Finnhub", baseUrl: _server.BaseUrl + "/api/v1", symbols: symbols), time);

    [Fact]
    public async Task PollAsync_FirstPoll_MapsEveryFieldOfTheLookbackWindow()
    {
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        // Lookback 3 days from 2025-12-02 16:00: the record of 2025-10-15 is left out.
        Assert.Equal(5, poll.Changes.Count);
        Assert.Equal(0, poll.Skipped);
        var first = poll.Changes[0];
        Assert.Equal("AAPL", first.Ticker);
        Assert.Equal("Morgan Stanley", first.Firm);
        Assert.Equal("Equal-Weight", first.FromRating);
        Assert.Equal("Overweight", first.ToRating);
        Assert.Equal(RatingAction.Upgrade, first.Action);
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 13, 5, 0, TimeSpan.Zero), first.PublishedAt);
        Assert.Equal("finnhub-main", first.Source);
        Assert.Null(first.SenderId);
        Assert.Null(first.FromTarget);
        Assert.Null(first.ToTarget);
        Assert.Null(first.Url);

        // up, main, down, init, reit
        Assert.Equal(
            [RatingAction.Upgrade, RatingAction.Reiterate, RatingAction.Downgrade, RatingAction.Initiate, RatingAction.Reiterate],
            poll.Changes.Select(c => c.Action!.Value));
        var initiation = poll.Changes[3];
        Assert.Equal("Loop Capital", initiation.Firm);
        Assert.Null(initiation.FromRating); // "" is no prior rating
        Assert.Equal("Buy", initiation.ToRating);
        Assert.Equal("2025-12-02T13:05:00Z", poll.NextCursor);
    }

    [Fact]
    public async Task PollAsync_FirstPoll_AsksForTheLookbackWindowWithTheKey()
    {
        await using var host = Host();

        await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v1/stock/upgrade-downgrade", request.Path);
        Assert.Equal("AAPL", request.Query["symbol"]);
        Assert.Equal("2025-11-29", request.Query["from"]);
        Assert.Equal("2025-12-03", request.Query["to"]);
        Assert.Equal(FeedSettings.ApiKey, request.Query["token"]);
        Assert.Contains("application/json", request.Header("Accept"));
    }

    [Fact]
    public async Task PollAsync_WithCursor_ReadsFromADayBeforeTheCursor()
    {
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync("2025-12-02T11:30:00Z", CancellationToken.None);

        // From 2025-12-01 11:30: the two records of 12-02 (one already seen: the ingest finds it a duplicate) and Barclays.
        Assert.Equal(["Morgan Stanley", "Wedbush", "Barclays"], poll.Changes.Select(c => c.Firm));
        Assert.Equal("2025-12-01", Assert.Single(_server.Requests).Query["from"]);
        Assert.Equal("2025-12-02T13:05:00Z", poll.NextCursor);
    }

    [Fact]
    public async Task PollAsync_ClockMovesOn_WindowFollowsTheCursorAndNothingNewKeepsIt()
    {
        // No delay is involved here, so a FakeTimeProvider can drive the clock (retries off so nothing could wait on it).
        var time = new FakeTimeProvider(TestClock.FixtureNow);
        await using var host = FeedTestHost.Create(
            new FeedSettings().Set("Feeds:MaxRetries", 0).Source("finnhub-main", "Finnhub", baseUrl: _server.BaseUrl + "/api/v1", symbols: "AAPL"),
            time);
        time.Advance(TimeSpan.FromDays(2));

        var poll = await host.Source("finnhub-main").PollAsync("2025-12-02T13:05:00Z", CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("2025-12-01", request.Query["from"]);
        Assert.Equal("2025-12-05", request.Query["to"]);
        Assert.Equal("2025-12-02T13:05:00Z", poll.NextCursor);
    }

    [Fact]
    public async Task PollAsync_CursorNotOfThisSource_ReadsTheLookbackWindowAndSaysSo()
    {
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync("1764681190", CancellationToken.None);

        Assert.Equal("2025-11-29", Assert.Single(_server.Requests).Query["from"]);
        Assert.Equal(5, poll.Changes.Count);
        Assert.Single(host.Logged(Microsoft.Extensions.Logging.LogLevel.Warning, "the saved cursor '1764681190' is not one this source wrote"));
    }

    [Fact]
    public async Task PollAsync_SeveralSymbols_AsksForEachAndKeepsTheNewestOfAll()
    {
        await using var host = Host(symbols: "aapl, MSFT");

        var poll = await host.Source("finnhub-main").PollAsync("2025-12-02T00:00:00Z", CancellationToken.None);

        Assert.Equal(["AAPL", "MSFT"], _server.Requests.Select(r => r.Query["symbol"]));
        Assert.Equal(["AAPL", "AAPL", "AAPL", "AAPL", "MSFT", "MSFT"], poll.Changes.Select(c => c.Ticker));
        Assert.Equal("2025-12-02T14:20:00Z", poll.NextCursor);
    }

    [Fact]
    public async Task PollAsync_NoSymbols_AsksForTheLatestAcrossAllTickers()
    {
        await using var host = Host(symbols: null);

        await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        Assert.False(Assert.Single(_server.Requests).Query.ContainsKey("symbol"));
    }

    [Fact]
    public async Task PollAsync_UnreadableRecords_AreSkippedAndCounted()
    {
        _server.SetResponder(_ => Responses.Json(Fixture.Text("finnhub-upgrade-downgrade-mixed.json")));
        await using var host = Host(symbols: "NVDA");

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        // "soon", a missing gradeTime, and a number instead of an object cannot be read; the rest go to the contract's
        // checks in the poller (bad ticker, no firm, says nothing), see FeedPollerTests.
        Assert.Equal(3, poll.Skipped);
        Assert.Equal(4, poll.Changes.Count);
        Assert.Equal(3, host.Logged(Microsoft.Extensions.Logging.LogLevel.Warning, "a record was skipped").Count);
    }
}
