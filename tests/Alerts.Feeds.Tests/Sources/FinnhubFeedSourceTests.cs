using System.Text.Json;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Feeds.Tests.Sources;

/// <summary>Finnhub's upgrade-downgrade, served from its documented sample (BYND, three records, dates at 00:00 UTC).</summary>
public sealed class FinnhubFeedSourceTests : IAsyncLifetime
{
    /// <summary>The day after the sample's newest record (2019-09-06).</summary>
    private static readonly DateTimeOffset SampleNow = new(2019, 9, 7, 15, 0, 0, TimeSpan.Zero);

    private CaptureServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await CaptureServer.StartAsync(request => Responses.Json(request.Query.GetValueOrDefault("symbol") is null or "BYND"
            ? VendorSample.Text(VendorSample.FinnhubBynd)
            : "[]"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private FeedTestHost Host(string? symbols = "BYND", TimeProvider? time = null, Func<FeedSettings, FeedSettings>? more = null) =>
        FeedTestHost.Create(
            (more ?? (s => s))(new FeedSettings().Set("Feeds:MaxRetries", 0).Source("finnhub-main", "Finnhub", baseUrl: _server.BaseUrl + "/api/v1", symbols: symbols, lookbackDays: 60)),
            time ?? new FakeTimeProvider(SampleNow));

    [Fact]
    public async Task PollAsync_RecordedSample_KeepsEachGradeTimeAsTheVendorsDate()
    {
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        Assert.Equal(["DA Davidson", "JP Morgan", "Bank of America"], poll.Changes.Select(c => c.Firm));
        Assert.Equal([new DateOnly(2019, 9, 6), new DateOnly(2019, 8, 20), new DateOnly(2019, 8, 2)], poll.Changes.Select(c => c.PublishedDate!.Value));

        // JPMorgan's upgrade is of 2019-08-20 (not 2019-08-19 20:00 in New York); it sorts at that day's New York close.
        var jpm = poll.Changes[1];
        Assert.Equal(("BYND", "Neutral", "Overweight", RatingAction.Upgrade), (jpm.Ticker, jpm.FromRating, jpm.ToRating, jpm.Action));
        Assert.Equal(new DateTimeOffset(2019, 8, 20, 20, 0, 0, TimeSpan.Zero), jpm.PublishedAt);
        Assert.Null(jpm.ToTarget);
        Assert.Equal("finnhub-main", jpm.Source);
        Assert.Equal((null, "Underperform", RatingAction.Initiate), (poll.Changes[0].FromRating, poll.Changes[0].ToRating, poll.Changes[0].Action));
        Assert.Equal(RatingAction.Reiterate, poll.Changes[2].Action);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/api/v1/stock/upgrade-downgrade", request.Path);
        Assert.Equal("BYND", request.Query["symbol"]);
        Assert.Equal("2019-07-09", request.Query["from"]); // 60 days of lookback
        Assert.Equal("2019-09-08", request.Query["to"]);
        Assert.Equal(FeedSettings.ApiKey, request.Query["token"]);

        // The symbol's own cursor: the newest record's sort instant.
        Assert.Equal("2019-09-06T20:00:00Z", Cursor(poll.NextCursor, "BYND"));
    }

    [Fact]
    public async Task PollAsync_WithCursor_ReadsFromOverlapDaysBeforeTheSymbolsCursor()
    {
        await using var host = Host();

        var first = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);
        var second = await host.Source("finnhub-main").PollAsync(first.NextCursor, CancellationToken.None);

        Assert.Equal("2019-08-30", _server.Requests[1].Query["from"]); // 7 days before 2019-09-06 (the default overlap)
        Assert.Equal(["DA Davidson"], second.Changes.Select(c => c.Firm));
        Assert.Equal("2019-09-06T20:00:00Z", Cursor(second.NextCursor, "BYND"));
    }

    [Fact]
    public async Task PollAsync_CursorOfOneTimeForAllSymbols_IsReadAsEverySymbolsCursor()
    {
        // As written before cursors were per symbol.
        await using var host = Host(symbols: "BYND,MSFT");

        var poll = await host.Source("finnhub-main").PollAsync("2019-08-25T00:00:00Z", CancellationToken.None);

        Assert.Equal(["2019-08-18", "2019-08-18"], _server.Requests.Select(r => r.Query["from"]));
        Assert.Equal(["DA Davidson", "JP Morgan"], poll.Changes.Select(c => c.Firm));
        Assert.Equal("2019-09-06T20:00:00Z", Cursor(poll.NextCursor, "BYND"));
        Assert.Equal("2019-08-25T00:00:00Z", Cursor(poll.NextCursor, "MSFT")); // nothing newer: kept
    }

    [Fact]
    public async Task PollAsync_CursorNotOfThisSource_ReadsTheLookbackWindowAndSaysSo()
    {
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync("1764681190", CancellationToken.None);

        Assert.Equal("2019-07-09", Assert.Single(_server.Requests).Query["from"]);
        Assert.Equal(3, poll.Changes.Count);
        Assert.Single(host.Logged(LogLevel.Warning, "the saved cursor '1764681190' is not one this source wrote"));
    }

    [Fact]
    public async Task PollAsync_NoSymbols_AsksForTheLatestAcrossAllTickers()
    {
        await using var host = Host(symbols: null);

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        Assert.False(Assert.Single(_server.Requests).Query.ContainsKey("symbol"));
        Assert.Equal(3, poll.Changes.Count);
    }

    [Fact]
    public async Task PollAsync_BudgetOfOneRequestAMinute_SpreadsTheSymbolsOverPollsLongestWaitingFirst()
    {
        var time = new FakeTimeProvider(SampleNow);
        await using var host = Host(symbols: "BYND,MSFT,NVDA", time: time, more: s => s.With("RequestsPerMinute", 1));
        var source = host.Source("finnhub-main");
        string? cursor = null;
        var asked = new List<string>();

        for (var poll = 0; poll < 4; poll++)
        {
            _server.Clear();
            var result = await source.PollAsync(cursor, CancellationToken.None);
            cursor = result.NextCursor;
            asked.AddRange(_server.Requests.Select(r => r.Query["symbol"]));
            time.Advance(TimeSpan.FromSeconds(60));
        }

        // One request a poll, each symbol in turn, never failing the poll.
        Assert.Equal(["BYND", "MSFT", "NVDA", "BYND"], asked);
    }

    [Fact]
    public async Task PollAsync_SecondPollWithinTheSameMinuteOverBudget_AsksNothingAndKeepsEveryCursor()
    {
        await using var host = Host(more: s => s.With("RequestsPerMinute", 1));
        var source = host.Source("finnhub-main");

        var first = await source.PollAsync(null, CancellationToken.None);
        var second = await source.PollAsync(first.NextCursor, CancellationToken.None);

        Assert.Single(_server.Requests);
        Assert.Empty(second.Changes);
        Assert.Equal(first.NextCursor, second.NextCursor);
        Assert.Single(host.Logged(LogLevel.Debug, "request budget spent"));
    }

    [Theory]
    [InlineData("not json at all", "invalid JSON")]
    [InlineData("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "invalid JSON")]
    [InlineData("", "invalid JSON")]
    [InlineData("""{"error": "You don't have access to this resource."}""", "You don't have access")]
    public async Task PollAsync_OneSymbolAnsweringGarbage_IsSkippedWithItsCursorKeptAndTheOthersRead(string body, string logged)
    {
        _server.SetResponder(request => Responses.Json(request.Query["symbol"] == "MSFT" ? body : VendorSample.Text(VendorSample.FinnhubBynd)));
        await using var host = Host(symbols: "MSFT,BYND");
        const string saved = """{"symbols":{"MSFT":{"cursor":"2019-08-01T00:00:00Z"}}}""";

        var poll = await host.Source("finnhub-main").PollAsync(saved, CancellationToken.None);

        Assert.Equal(3, poll.Changes.Count); // BYND's records, all read
        Assert.Equal("2019-08-01T00:00:00Z", Cursor(poll.NextCursor, "MSFT"));
        Assert.Equal("2019-09-06T20:00:00Z", Cursor(poll.NextCursor, "BYND"));
        Assert.Contains(poll.Problems, p => p.StartsWith("MSFT: ", StringComparison.Ordinal) && p.Contains(logged, StringComparison.Ordinal));
        Assert.Single(host.Logged(LogLevel.Warning, "the answer for MSFT was skipped and its cursor kept"));
    }

    [Fact]
    public async Task PollAsync_FreeKeyAnswered403_IsReportedOnceAsAPaidPlanAndNotCalledAgainForHours()
    {
        _server.SetResponder(_ => Responses.Status(403, """{"error":"You don't have access to this resource."}"""));
        var time = new FakeTimeProvider(SampleNow);
        await using var host = Host(time: time);
        var source = host.Source("finnhub-main");

        var first = await Assert.ThrowsAsync<FeedAccessDeniedException>(() => source.PollAsync(null, CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(1));
        var second = await Assert.ThrowsAsync<FeedAccessDeniedException>(() => source.PollAsync(null, CancellationToken.None));

        Assert.False(first.Repeated);
        Assert.Contains("this endpoint needs a paid plan", first.Message);
        Assert.Contains("You don't have access", first.Message);
        Assert.DoesNotContain(FeedSettings.ApiKey, first.Message);
        Assert.Equal(SampleNow.AddHours(6), first.RetryAt);
        Assert.True(second.Repeated);
        Assert.Single(_server.Requests); // not called again within the 6 hours

        time.Advance(TimeSpan.FromHours(6));
        _server.SetResponder(_ => Responses.Json(VendorSample.Text(VendorSample.FinnhubBynd)));
        var afterwards = await source.PollAsync(null, CancellationToken.None);
        Assert.Equal(3, afterwards.Changes.Count);
    }

    private static string? Cursor(string? cursor, string symbol)
    {
        Assert.NotNull(cursor);
        using var json = JsonDocument.Parse(cursor);
        return json.RootElement.GetProperty("symbols").GetProperty(symbol).GetProperty("cursor").GetString();
    }
}
