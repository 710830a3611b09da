using Alerts.Core.Ratings;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Testing;

namespace Alerts.Feeds.Tests.Sources;

public sealed class FmpFeedSourceTests : IAsyncLifetime
{
    private CaptureServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await CaptureServer.StartAsync(request => Responses.Json(Fixture.Text(
            request.Path.EndsWith("/grades", StringComparison.Ordinal) ? "fmp-grades-aapl.json" : "fmp-price-target-news-nvda.json")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private FeedTestHost Host() => FeedTestHost.Create(new FeedSettings()
        .Source("fmp-grades", "FmpGrades", baseUrl: _server.BaseUrl, symbols: "AAPL")
        .Source("fmp-targets", "FmpPriceTargets", baseUrl: _server.BaseUrl, symbols: "NVDA"));

    [Fact]
    public async Task Grades_FirstPoll_MapsEveryFieldOfTheLookbackWindow()
    {
        await using var host = Host();

        var poll = await host.Source("fmp-grades").PollAsync(null, CancellationToken.None);

        // The whole history comes back; only 2025-11-29 16:00 onwards is taken.
        Assert.Equal(["Morgan Stanley", "Barclays", "Wedbush", "Loop Capital", "Maxim Group"], poll.Changes.Select(c => c.Firm));
        Assert.Equal(
            [RatingAction.Upgrade, RatingAction.Downgrade, RatingAction.Reiterate, RatingAction.Initiate, RatingAction.Reiterate],
            poll.Changes.Select(c => c.Action!.Value));
        var first = poll.Changes[0];
        Assert.Equal("AAPL", first.Ticker);
        Assert.Equal("Equal-Weight", first.FromRating);
        Assert.Equal("Overweight", first.ToRating);
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 0, 0, 0, TimeSpan.Zero), first.PublishedAt);
        Assert.Equal("fmp-grades", first.Source);
        Assert.Null(first.ToTarget);
        Assert.Null(poll.Changes[3].FromRating);
        Assert.Equal("2025-12-02T00:00:00Z", poll.NextCursor);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/stable/grades", request.Path);
        Assert.Equal("AAPL", request.Query["symbol"]);
        Assert.Equal(FeedSettings.ApiKey, request.Query["apikey"]);
    }

    [Fact]
    public async Task PriceTargets_FirstPoll_MapsEveryFieldAndLeavesThePriorTargetUnknown()
    {
        await using var host = Host();

        var poll = await host.Source("fmp-targets").PollAsync(null, CancellationToken.None);

        Assert.Equal(4, poll.Changes.Count); // the record of 2025-11-20 is before the window
        var raise = poll.Changes[0];
        Assert.Equal("NVDA", raise.Ticker);
        Assert.Equal("Bernstein", raise.Firm);
        Assert.Equal("Stacy Rasgon", raise.Analyst);
        Assert.Equal(275m, raise.ToTarget);
        Assert.Null(raise.FromTarget);
        Assert.Equal(RatingAction.TargetRaise, raise.Action); // "raises ... price target" in the headline
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 13, 12, 0, TimeSpan.Zero), raise.PublishedAt);
        Assert.Equal("https://thefly.com/permalinks/entry.php/id4201234", raise.Url);
        Assert.Equal("fmp-targets", raise.Source);

        Assert.Equal(290.5m, poll.Changes[1].ToTarget);
        Assert.Equal(RatingAction.TargetCut, poll.Changes[1].Action);
        Assert.Equal(250m, poll.Changes[2].ToTarget); // priceTarget 0: the adjusted figure
        Assert.Equal(RatingAction.Initiate, poll.Changes[2].Action);
        Assert.Null(poll.Changes[3].Analyst);
        Assert.Null(poll.Changes[3].Action); // "set at": nothing plainly said, inferred later
        Assert.Equal("2025-12-02T13:12:00Z", poll.NextCursor);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/stable/price-target-news", request.Path);
        Assert.Equal("NVDA", request.Query["symbol"]);
        Assert.Equal(FeedSettings.ApiKey, request.Query["apikey"]);
    }

    [Fact]
    public async Task Grades_ErrorObjectInsteadOfRecords_IsAFormatErrorQuotingItWithoutTheKey()
    {
        _server.SetResponder(_ => Responses.Json("""{"Error Message": "Invalid API KEY. Feel free to create a Free API Key."}"""));
        await using var host = Host();

        var error = await Assert.ThrowsAsync<FeedFormatException>(() => host.Source("fmp-grades").PollAsync(null, CancellationToken.None));

        Assert.Contains("Invalid API KEY", error.Message);
        Assert.DoesNotContain(FeedSettings.ApiKey, error.Message);
        Assert.Single(_server.Requests); // a wrong shape is not retried
    }
}
