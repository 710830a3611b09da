using System.Globalization;
using System.Text;
using Alerts.Core.Ratings;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Testing;

namespace Alerts.Feeds.Tests.Sources;

public sealed class BenzingaFeedSourceTests : IAsyncLifetime
{
    private CaptureServer _server = null!;

    public async Task InitializeAsync() => _server = await CaptureServer.StartAsync(_ => Responses.Json(Fixture.Text("benzinga-ratings.json")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private FeedTestHost Host() => FeedTestHost.Create(new FeedSettings().Source("benzinga", "Benzinga", baseUrl: _server.BaseUrl));

    private static long Unix(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    [Fact]
    public async Task PollAsync_Fixture_MapsEveryField()
    {
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync(null, CancellationToken.None);

        Assert.Equal(10, poll.Changes.Count);
        Assert.Equal(0, poll.Skipped);
        var cifr = poll.Changes[0];
        Assert.Equal("692e1f0a8b7c4e0001a1c001", cifr.SenderId);
        Assert.Equal("CIFR", cifr.Ticker);
        Assert.Equal("Cipher Mining", cifr.Company);
        Assert.Equal("JP Morgan", cifr.Firm); // "analyst" is the firm
        Assert.Equal("Reginald Smith", cifr.Analyst); // "analyst_name" is the person
        Assert.Equal("Neutral", cifr.FromRating);
        Assert.Equal("Overweight", cifr.ToRating);
        Assert.Equal(12.00m, cifr.FromTarget); // "12.00"
        Assert.Equal(18.00m, cifr.ToTarget); // "18.00"
        Assert.Equal("USD", cifr.Currency);
        Assert.Equal(RatingAction.Upgrade, cifr.Action);
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 12, 5, 12, TimeSpan.Zero), cifr.PublishedAt); // 07:05:12 in New York (EST)
        Assert.Equal("https://www.benzinga.com/quote/CIFR/analyst-ratings", cifr.Url);
        Assert.Equal("benzinga", cifr.Source);

        var tesla = poll.Changes[2];
        Assert.Equal(450m, tesla.FromTarget); // "450", no decimals
        Assert.Equal(500m, tesla.ToTarget);

        var treehouse = poll.Changes[3];
        Assert.Null(treehouse.FromRating); // ""
        Assert.Null(treehouse.FromTarget); // ""
        Assert.Equal(24.00m, treehouse.ToTarget);

        var walgreens = poll.Changes[7];
        Assert.Null(walgreens.ToRating);
        Assert.Null(walgreens.ToTarget);
        Assert.Equal(11.00m, walgreens.FromTarget);
        Assert.Equal("BRK.B", poll.Changes[9].Ticker);
        Assert.Equal("Keefe, Bruyette & Woods", poll.Changes[9].Firm);

        // The newest "updated" (one record carries it as a string): Tesla's, 2025-12-02 13:13:10 UTC.
        Assert.Equal(Unix("2025-12-02T13:13:10Z").ToString(CultureInfo.InvariantCulture), poll.NextCursor);
    }

    [Fact]
    public async Task PollAsync_ActionWords_MapToOurActions()
    {
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync(null, CancellationToken.None);

        Assert.Equal(
            [
                RatingAction.Upgrade, // Upgrades + Raises
                RatingAction.Downgrade, // Downgrades + Lowers
                RatingAction.TargetRaise, // Maintains + Raises
                RatingAction.Resume, // Reinstates
                RatingAction.Initiate, // Initiates Coverage On
                RatingAction.Resume, // Assumes
                RatingAction.Reiterate, // Reiterates + Maintains
                RatingAction.Suspend, // Terminates Coverage On
                RatingAction.Suspend, // Suspends
                RatingAction.TargetCut, // Maintains + Lowers
            ],
            poll.Changes.Select(c => c.Action!.Value));
    }

    [Fact]
    public async Task PollAsync_FirstPollThenCursor_AsksForRecordsUpdatedSinceThen()
    {
        await using var host = Host();
        var source = host.Source("benzinga");

        var first = await source.PollAsync(null, CancellationToken.None);
        await source.PollAsync(first.NextCursor, CancellationToken.None);

        var requests = _server.Requests;
        Assert.Equal("/api/v2.1/calendar/ratings", requests[0].Path);
        Assert.Equal(FeedSettings.ApiKey, requests[0].Query["token"]);
        Assert.Equal(Unix("2025-11-29T16:00:00Z").ToString(CultureInfo.InvariantCulture), requests[0].Query["parameters[updated]"]);
        Assert.Equal("1000", requests[0].Query["pagesize"]);
        Assert.Equal("0", requests[0].Query["page"]);
        Assert.Equal(first.NextCursor, requests[1].Query["parameters[updated]"]);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("""{"ratings": []}""")]
    public async Task PollAsync_NoRecords_ReturnsNoneAndKeepsTheCursor(string body)
    {
        _server.SetResponder(_ => Responses.Json(body));
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync("1764681190", CancellationToken.None);

        Assert.Empty(poll.Changes);
        Assert.Equal("1764681190", poll.NextCursor);
    }

    [Theory]
    [InlineData("""{"ratings": {"id": "1"}}""")]
    [InlineData("\"maintenance\"")]
    [InlineData("""{"ratings": [""")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    public async Task PollAsync_WrongShapeOrInvalidJson_IsAFormatError(string body)
    {
        _server.SetResponder(_ => Responses.Json(body));
        await using var host = Host();

        await Assert.ThrowsAsync<FeedFormatException>(() => host.Source("benzinga").PollAsync("1764681190", CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_UnreadableRecords_AreSkippedAndCounted()
    {
        _server.SetResponder(_ => Responses.Json(Fixture.Text("benzinga-ratings-bad-records.json")));
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync(null, CancellationToken.None);

        // "N/A" as a target and "12/02/2025" as a date cannot be read. The empty ticker and the negative target are read,
        // and refused by the contract's checks in the poller (see FeedPollerTests).
        Assert.Equal(2, poll.Skipped);
        Assert.Equal(["692e1f0a8b7c4e0001a1d003", "692e1f0a8b7c4e0001a1d004", "692e1f0a8b7c4e0001a1d005"], poll.Changes.Select(c => c.SenderId));
        Assert.Equal(-5.00m, poll.Changes[1].ToTarget);
    }

    [Fact]
    public async Task PollAsync_FullPage_ReadsTheNextPage()
    {
        _server.SetResponder(request => Responses.Json(Page(request.Query["page"] == "0" ? BenzingaFeedSource.PageSize : 3)));
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync("1764600000", CancellationToken.None);

        Assert.Equal(["0", "1"], _server.Requests.Select(r => r.Query["page"]));
        Assert.Equal(BenzingaFeedSource.PageSize + 3, poll.Changes.Count);
    }

    private static string Page(int count)
    {
        var json = new StringBuilder("""{"ratings":[""");
        for (var i = 0; i < count; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append(CultureInfo.InvariantCulture, $$"""
                {"id":"p{{Guid.NewGuid():N}}","date":"2025-12-02","time":"09:{{i % 60:00}}:00","ticker":"AAPL","name":"Apple","currency":"USD",
                 "action_company":"Maintains","action_pt":"Raises","rating_current":"Buy","rating_prior":"Buy","pt_current":"{{300 + i}}.00",
                 "pt_prior":"290.00","analyst":"Firm {{i}}","analyst_name":"","importance":1,"updated":{{1764684000 + i}},"url":""}
                """);
        }

        return json.Append("]}").ToString();
    }
}
