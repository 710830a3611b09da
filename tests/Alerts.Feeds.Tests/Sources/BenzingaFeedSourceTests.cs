using System.Globalization;
using Alerts.Core.Ratings;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Testing;

namespace Alerts.Feeds.Tests.Sources;

/// <summary>Benzinga's calendar/ratings, served from its recorded answer of 2024-01-12 (100 AAPL records, unmodified).</summary>
public sealed class BenzingaFeedSourceTests : IAsyncLifetime
{
    /// <summary>The recorded answer's day (its HTTP Date header), after every record in it.</summary>
    private static readonly DateTimeOffset RecordedAt = new(2024, 1, 12, 15, 0, 0, TimeSpan.Zero);

    private CaptureServer _server = null!;

    public async Task InitializeAsync() => _server = await CaptureServer.StartAsync(Responses.Benzinga(VendorSample.Text(VendorSample.BenzingaAapl)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private FeedTestHost Host(int lookbackDays = 365) =>
        FeedTestHost.Create(new FeedSettings().Source("benzinga", "Benzinga", baseUrl: _server.BaseUrl, lookbackDays: lookbackDays), new TestClock(RecordedAt));

    [Fact]
    public async Task PollAsync_RecordedAnswer_ReadsEveryRecordWithNewYorkTimeAndBenzingasAction()
    {
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync(null, CancellationToken.None);

        Assert.Equal(100, poll.Changes.Count);
        Assert.Equal(0, poll.Skipped);
        Assert.Equal(100, poll.Changes.Select(c => c.SenderId).Distinct().Count());
        Assert.All(poll.Changes, c => Assert.Null(c.PublishedDate)); // every record has a time

        var redburn = poll.Changes[0];
        Assert.Equal("659e84b3b02d4100013258aa", redburn.SenderId);
        Assert.Equal("AAPL", redburn.Ticker);
        Assert.Equal("Apple", redburn.Company);
        Assert.Equal("Redburn Atlantic", redburn.Firm); // "analyst" is the firm
        Assert.Equal("James Cordwell", redburn.Analyst); // "analyst_name" is the person
        Assert.Equal(("Buy", "Neutral"), (redburn.FromRating, redburn.ToRating));
        Assert.Null(redburn.FromTarget); // ""
        Assert.Equal(200m, redburn.ToTarget); // "200.0000"
        Assert.Equal(RatingAction.Downgrade, redburn.Action); // Downgrades + Announces
        Assert.Equal(new DateTimeOffset(2024, 1, 10, 11, 51, 15, TimeSpan.Zero), redburn.PublishedAt); // 06:51:15 EST
        Assert.Equal("https://www.benzinga.com/quote/AAPL/analyst-ratings", redburn.Url);

        var wedbush = poll.Changes.Single(c => c.SenderId == "64de138d704f3b0001d0b61f");
        Assert.Equal(new DateTimeOffset(2023, 8, 17, 12, 33, 17, TimeSpan.Zero), wedbush.PublishedAt); // 08:33:17 EDT
        Assert.Equal(RatingAction.Reiterate, wedbush.Action); // Reiterates + Maintains

        var piper = poll.Changes.Single(c => c.SenderId == "65968805b3d44200013a9196");
        Assert.Equal((220m, 205m), (piper.FromTarget, piper.ToTarget)); // "220.00", "205.0000"
        Assert.Equal(RatingAction.Downgrade, piper.Action);

        // The newest "updated" of the answer.
        Assert.Equal("1704887528", poll.NextCursor);
    }

    [Fact]
    public async Task PollAsync_RecordedActionWords_MapToOurActions()
    {
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync(null, CancellationToken.None);
        var records = VendorSample.Records(VendorSample.BenzingaAapl);

        foreach (var (record, change) in records.Zip(poll.Changes))
        {
            var expected = ((string)record["action_company"]!, (string)record["action_pt"]!) switch
            {
                ("Maintains" or "Reiterates", "Raises") => RatingAction.TargetRaise,
                ("Maintains", "Lowers") => RatingAction.TargetCut,
                ("Maintains" or "Reiterates", _) => RatingAction.Reiterate,
                ("Downgrades", _) => RatingAction.Downgrade,
                ("Initiates Coverage On", _) => RatingAction.Initiate,
                ("Assumes", _) => RatingAction.Resume,
                var other => throw new InvalidOperationException($"a word this test does not expect: {other}"),
            };
            Assert.Equal(expected, change.Action);
        }
    }

    [Fact]
    public async Task PollAsync_ExtraRecordedRecords_ReinstatesIsAResumeAndAnOldRecordReads()
    {
        _server.SetResponder(_ => Responses.Json(VendorSample.Text(VendorSample.BenzingaExtra)));
        await using var host = FeedTestHost.Create(new FeedSettings().Source("benzinga", "Benzinga", baseUrl: _server.BaseUrl), new TestClock(RecordedAt));

        var poll = await host.Source("benzinga").PollAsync("1", CancellationToken.None);

        Assert.Equal(2, poll.Changes.Count);
        var avgo = poll.Changes[0];
        Assert.Equal(("AVGO", "Citigroup", RatingAction.Resume, 1100m), (avgo.Ticker, avgo.Firm, avgo.Action, avgo.ToTarget));
        Assert.Equal(new DateTimeOffset(2023, 12, 11, 13, 27, 45, TimeSpan.Zero), avgo.PublishedAt); // 08:27:45 EST
        var aap = poll.Changes[1];
        Assert.Equal((132m, 145m, RatingAction.TargetRaise), (aap.FromTarget, aap.ToTarget, aap.Action));
        Assert.Equal(new DateTimeOffset(2014, 11, 7, 14, 0, 0, TimeSpan.Zero), aap.PublishedAt); // 09:00 EST
    }

    [Fact]
    public async Task PollAsync_WithCursor_AsksFromAFewSecondsBeforeTheLastUpdated()
    {
        await using var host = Host(lookbackDays: 3);
        var source = host.Source("benzinga");

        var first = await source.PollAsync(null, CancellationToken.None);
        await source.PollAsync(first.NextCursor, CancellationToken.None);

        var requests = Responses.RatingsRequests(_server.Requests);
        Assert.Equal("/api/v2.1/calendar/ratings", requests[0].Path);
        Assert.Equal(FeedSettings.ApiKey, requests[0].Query["token"]);
        Assert.Equal(RecordedAt.AddDays(-3).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), requests[0].Query["parameters[updated]"]);
        Assert.Equal("1000", requests[0].Query["pagesize"]);
        Assert.Equal("0", requests[0].Query["page"]);
        Assert.Equal((1704887528 - (long)BenzingaFeedSource.UpdatedRewind.TotalSeconds).ToString(CultureInfo.InvariantCulture), requests[1].Query["parameters[updated]"]);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("""{"ratings": []}""")]
    public async Task PollAsync_NoRecords_ReturnsNoneAndKeepsTheCursor(string body)
    {
        _server.SetResponder(_ => Responses.Json(body));
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync("1704887528", CancellationToken.None);

        Assert.Empty(poll.Changes);
        Assert.Equal("1704887528", poll.NextCursor);
    }

    [Theory]
    [InlineData("""{"ratings": {"id": "1"}}""")]
    [InlineData("\"maintenance\"")]
    [InlineData("""{"ratings": [""")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("")]
    [InlineData("""{"error": "Invalid or missing token"}""")]
    public async Task PollAsync_GarbageHtmlEmptyOrErrorObject_IsAFormatError(string body)
    {
        _server.SetResponder(_ => Responses.Json(body));
        await using var host = Host();

        await Assert.ThrowsAsync<FeedFormatException>(() => host.Source("benzinga").PollAsync("1704887528", CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_UnreadableRecords_AreSkippedAndCountedTheRestRead()
    {
        // The recorded answer with two of its records spoiled in the test: a target that is not a number, a date that
        // is not a date; and one with a negative target, which is read here and refused by the poller's contract check.
        _server.SetResponder(_ => Responses.Json(VendorSample.Rewrite(VendorSample.BenzingaAapl, edit: record =>
        {
            switch ((string)record["id"]!)
            {
                case "659e84b3b02d4100013258aa": record["pt_current"] = "N/A"; break;
                case "65968805b3d44200013a9196": record["date"] = "01/04/2024"; break;
                case "6582f3363d5b9b0001c10b27": record["pt_current"] = "-5.00"; break;
            }
        })));
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync(null, CancellationToken.None);

        Assert.Equal(2, poll.Skipped);
        Assert.Equal(98, poll.Changes.Count);
        Assert.Equal(-5m, poll.Changes.Single(c => c.SenderId == "6582f3363d5b9b0001c10b27").ToTarget);
        Assert.Equal(2, host.Logged(Microsoft.Extensions.Logging.LogLevel.Warning, "a record was skipped").Count);
    }

    [Fact]
    public async Task PollAsync_ShortPage_IsTheLast()
    {
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync("1704000000", CancellationToken.None);

        Assert.Equal(["0"], Responses.RatingsRequests(_server.Requests).Select(r => r.Query["page"])); // 100 records < 1000 asked: no page 1
        Assert.Equal(100, poll.Changes.Count);
    }

    [Fact]
    public async Task PollAsync_FullPage_ReadsTheNextPage()
    {
        // Page 0: the recorded records ten times over (ids made apart), as many as the page size; page 1: the recording.
        var records = VendorSample.Records(VendorSample.BenzingaAapl);
        var full = new System.Text.Json.Nodes.JsonArray();
        for (var copy = 0; copy < BenzingaFeedSource.PageSize / records.Count; copy++)
        {
            foreach (var record in records)
            {
                var copied = record.DeepClone().AsObject();
                copied["id"] = $"{record["id"]}-{copy}";
                full.Add(copied);
            }
        }

        var pageZero = new System.Text.Json.Nodes.JsonObject { ["ratings"] = full }.ToJsonString();
        _server.SetResponder(Responses.Benzinga(request => request.Query["page"] == "0" ? pageZero : VendorSample.Text(VendorSample.BenzingaAapl)));
        await using var host = Host();

        var poll = await host.Source("benzinga").PollAsync("1704000000", CancellationToken.None);

        Assert.Equal(["0", "1"], Responses.RatingsRequests(_server.Requests).Select(r => r.Query["page"]));
        Assert.Equal(BenzingaFeedSource.PageSize + 100, poll.Changes.Count);
    }

    [Fact]
    public async Task PollAsync_BudgetSpentBeforeThePages_AsksNothingAndKeepsTheCursor()
    {
        await using var host = FeedTestHost.Create(
            new FeedSettings().Source("benzinga", "Benzinga", baseUrl: _server.BaseUrl).With("RequestsPerMinute", 2),
            new TestClock(RecordedAt));
        var source = host.Source("benzinga");

        var first = await source.PollAsync("1704000000", CancellationToken.None); // the ratings and the removed records
        var second = await source.PollAsync(first.NextCursor, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal("1704887528", first.NextCursor);
        Assert.Empty(second.Changes);
        Assert.Equal("1704887528", second.NextCursor);
    }
}
