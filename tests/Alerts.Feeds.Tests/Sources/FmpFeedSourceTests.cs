using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Feeds.Tests.Sources;

/// <summary>
/// FMP's grades, grades news and price-target news, served from FMP's documented and recorded samples. The clock stands
/// after each sample's newest record; records are moved in time only where a test needs them recent.
/// </summary>
public sealed class FmpFeedSourceTests : IAsyncLifetime
{
    private CaptureServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await CaptureServer.StartAsync(request => Responses.Json(VendorSample.Text((request.Path, request.Query.GetValueOrDefault("symbol")) switch
        {
            ("/stable/grades", "NVDA") => VendorSample.FmpGradesNvda,
            ("/stable/grades", _) => VendorSample.FmpGradesAapl,
            ("/stable/grades-news", _) => VendorSample.FmpGradesNewsAapl,
            _ => VendorSample.FmpPriceTargetNewsAapl,
        })));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private FeedTestHost Host(DateTimeOffset now, string kind, string symbols = "AAPL", int lookbackDays = 365, Func<FeedSettings, FeedSettings>? more = null) =>
        FeedTestHost.Create(
            (more ?? (s => s))(new FeedSettings().Set("Feeds:MaxRetries", 0).Source("fmp", kind, baseUrl: _server.BaseUrl, symbols: symbols, lookbackDays: lookbackDays)),
            new FakeTimeProvider(now));

    [Fact]
    public async Task Grades_RecordedSamples_KeepTheDateAsADate()
    {
        await using var host = Host(new DateTimeOffset(2026, 5, 19, 12, 0, 0, TimeSpan.Zero), "FmpGrades", symbols: "AAPL,NVDA", lookbackDays: 365);

        var poll = await host.Source("fmp").PollAsync(null, CancellationToken.None);

        // AAPL's 2025-01-31 is outside the year of lookback; NVDA's Wedbush of 2026-05-18 is in it.
        var wedbush = Assert.Single(poll.Changes);
        Assert.Equal(("NVDA", "Wedbush", "Outperform", "Outperform", RatingAction.Reiterate), (wedbush.Ticker, wedbush.Firm, wedbush.FromRating, wedbush.ToRating, wedbush.Action));
        Assert.Equal(new DateOnly(2026, 5, 18), wedbush.PublishedDate);
        Assert.Equal(new DateTimeOffset(2026, 5, 18, 20, 0, 0, TimeSpan.Zero), wedbush.PublishedAt); // 16:00 EDT: its sort key only
        Assert.Null(wedbush.Url);

        Assert.Equal(["AAPL", "NVDA"], _server.Requests.Select(r => r.Query["symbol"]));
        Assert.All(_server.Requests, r => Assert.Equal(("/stable/grades", FeedSettings.ApiKey), (r.Path, r.Query["apikey"])));
    }

    [Fact]
    public async Task Grades_AppleSample_MorganStanleyMaintainIsAReiterationOnItsDate()
    {
        await using var host = Host(new DateTimeOffset(2025, 2, 1, 12, 0, 0, TimeSpan.Zero), "FmpGrades");

        var change = Assert.Single((await host.Source("fmp").PollAsync(null, CancellationToken.None)).Changes);

        Assert.Equal(("Morgan Stanley", RatingAction.Reiterate, new DateOnly(2025, 1, 31)), (change.Firm, change.Action, change.PublishedDate));
    }

    [Fact]
    public async Task GradesNews_RecordedSample_KeepsTheTimeAndTheLink()
    {
        await using var host = Host(new DateTimeOffset(2026, 7, 9, 12, 0, 0, TimeSpan.Zero), "FmpGradesNews", lookbackDays: 365);

        var poll = await host.Source("fmp").PollAsync(null, CancellationToken.None);

        Assert.Equal(["Evercore ISI", "Goldman Sachs"], poll.Changes.Select(c => c.Firm)); // Maxim's 2025-01-31 is over a year old
        var evercore = poll.Changes[0];
        Assert.Null(evercore.PublishedDate);
        Assert.Equal(new DateTimeOffset(2026, 7, 8, 17, 38, 49, TimeSpan.Zero), evercore.PublishedAt);
        Assert.Equal("https://thefly.com/ajax/news_get.php?id=4381545", evercore.Url);
        Assert.Equal(RatingAction.Reiterate, evercore.Action); // "hold"
        Assert.Equal(RatingAction.Initiate, poll.Changes[1].Action); // "initialise"

        var request = Assert.Single(_server.Requests);
        Assert.Equal(("/stable/grades-news", "AAPL", "0", "100"), (request.Path, request.Query["symbol"], request.Query["page"], request.Query["limit"]));
    }

    [Fact]
    public async Task PriceTargets_RecordedSample_ActionOnlyWhereTheHeadlineStatesIt()
    {
        await using var host = Host(new DateTimeOffset(2025, 1, 22, 12, 0, 0, TimeSpan.Zero), "FmpPriceTargets", lookbackDays: 365);

        var poll = await host.Source("fmp").PollAsync(null, CancellationToken.None);

        // Only Jefferies' record is within the year; no history is known to this host (no store).
        var jefferies = Assert.Single(poll.Changes);
        Assert.Equal(("AAPL", "Jefferies", "Edison Lee", 200.75m), (jefferies.Ticker, jefferies.Firm, jefferies.Analyst, jefferies.ToTarget));
        Assert.Equal(RatingAction.Downgrade, jefferies.Action); // "Apple Gets Rare Downgrade From Jefferies"
        Assert.Null(jefferies.FromTarget);
        Assert.Equal(new DateTimeOffset(2025, 1, 21, 1, 24, 32, TimeSpan.Zero), jefferies.PublishedAt);
        Assert.Null(jefferies.PublishedDate);
        Assert.StartsWith("https://www.benzinga.com/markets/equities/25/01/43087992/", jefferies.Url);

        var request = Assert.Single(_server.Requests);
        Assert.Equal(("/stable/price-target-news", "AAPL", FeedSettings.ApiKey), (request.Path, request.Query["symbol"], request.Query["apikey"]));
    }

    [Fact]
    public async Task PriceTargets_HeadlineStatingNoAction_LeavesTheActionUnsaid()
    {
        // The sample's two records of 2023 (Jefferies' of 2025 left out in the test: it would be in this clock's future).
        _server.SetResponder(_ => Responses.Json(VendorSample.Rewrite(
            VendorSample.FmpPriceTargetNewsAapl, keep: r => ((string)r["publishedDate"]!).StartsWith("2023", StringComparison.Ordinal))));
        await using var host = Host(new DateTimeOffset(2023, 9, 19, 0, 0, 0, TimeSpan.Zero), "FmpPriceTargets");

        var poll = await host.Source("fmp").PollAsync(null, CancellationToken.None);

        Assert.Equal(["Wedbush", "Needham"], poll.Changes.Select(c => c.Firm));
        Assert.Equal([null, null], poll.Changes.Select(c => c.Action)); // neither headline states an action: nothing guessed
        Assert.Equal([240m, 195m], poll.Changes.Select(c => c.ToTarget!.Value));
        Assert.All(poll.Changes, c => Assert.Null(c.FromTarget));
    }

    [Fact]
    public async Task PriceTargets_RecordsMovedToYesterday_AreReadInTheWindow()
    {
        // The whole sample, moved so that its newest record is yesterday.
        var days = VendorSample.DaysBetween(new DateOnly(2025, 1, 21), new DateOnly(2026, 12, 7));
        _server.SetResponder(_ => Responses.Json(VendorSample.Rewrite(VendorSample.FmpPriceTargetNewsAapl, days)));
        await using var host = Host(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero), "FmpPriceTargets", lookbackDays: 3);

        var poll = await host.Source("fmp").PollAsync(null, CancellationToken.None);

        var jefferies = Assert.Single(poll.Changes);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 1, 24, 32, TimeSpan.Zero), jefferies.PublishedAt);
    }

    [Fact]
    public async Task PriceTargets_FreeKeyAnswered402_SaysThePlanIsNeeded()
    {
        _server.SetResponder(_ => Responses.Status(402, """{"Error Message": "Premium Query Parameter: 'Special Endpoint : this value set for 'symbol' is not available under your current subscription please visit our subscription page to upgrade your plan at https://site.financialmodelingprep.com/developer/docs/pricing"}"""));
        await using var host = Host(new DateTimeOffset(2025, 1, 22, 12, 0, 0, TimeSpan.Zero), "FmpPriceTargets");

        var error = await Assert.ThrowsAsync<FeedAccessDeniedException>(() => host.Source("fmp").PollAsync(null, CancellationToken.None));

        Assert.Equal(402, error.Status);
        Assert.Contains("this endpoint needs a paid plan", error.Message);
        Assert.DoesNotContain(FeedSettings.ApiKey, error.Message);
    }

    [Theory]
    [InlineData("""{"Error Message": "Invalid API KEY. Feel free to create a Free API Key or visit https://site.financialmodelingprep.com/faqs?search=why-is-my-api-key-invalid for more information."}""", "Invalid API KEY")]
    [InlineData("""{"Error Message": "Limit Reach . Please upgrade your plan or visit our documentation for more details at https://site.financialmodelingprep.com/"}""", "Limit Reach")]
    [InlineData("<html><head><title>502 Bad Gateway</title></head></html>", "invalid JSON")]
    [InlineData("", "invalid JSON")]
    [InlineData("\u0000\u0001garbage", "invalid JSON")]
    public async Task Grades_200WithAnErrorObjectOrGarbage_IsLoggedAndSkippedWithTheSymbolsCursorKept(string body, string reason)
    {
        _server.SetResponder(request => Responses.Json(request.Query["symbol"] == "AAPL" ? body : VendorSample.Text(VendorSample.FmpGradesNvda)));
        await using var host = Host(new DateTimeOffset(2026, 5, 19, 12, 0, 0, TimeSpan.Zero), "FmpGrades", symbols: "AAPL,NVDA");
        const string saved = """{"symbols":{"AAPL":{"cursor":"2026-05-01T00:00:00Z"}}}""";

        var poll = await host.Source("fmp").PollAsync(saved, CancellationToken.None);

        Assert.Equal("Wedbush", Assert.Single(poll.Changes).Firm); // NVDA's record, read all the same
        Assert.Contains("\"AAPL\":{\"cursor\":\"2026-05-01T00:00:00Z\"", poll.NextCursor, StringComparison.Ordinal);
        var problem = Assert.Single(poll.Problems);
        Assert.Contains(reason, problem);
        Assert.DoesNotContain(FeedSettings.ApiKey, problem);
        Assert.Single(host.Logged(LogLevel.Warning, "the answer for AAPL was skipped"));
    }

    [Fact]
    public async Task Grades_V4Shape_ReadsPublishedDateAndLink()
    {
        _server.SetResponder(_ => Responses.Json(VendorSample.Text(VendorSample.FmpV4UpgradesDowngrades)));
        await using var host = Host(new DateTimeOffset(2023, 10, 5, 0, 0, 0, TimeSpan.Zero), "FmpGrades", symbols: "DAL");

        var poll = await host.Source("fmp").PollAsync(null, CancellationToken.None);

        var bofa = Assert.Single(poll.Changes); // Barclays' of 2022 is over a year old
        Assert.Equal(("Bank of America Securities", RatingAction.Reiterate), (bofa.Firm, bofa.Action));
        Assert.Equal(new DateTimeOffset(2023, 10, 4, 15, 24, 0, TimeSpan.Zero), bofa.PublishedAt);
        Assert.Null(bofa.PublishedDate);
        Assert.StartsWith("https://www.benzinga.com/analyst-ratings/analyst-color/23/10/35094507/", bofa.Url);
    }
}
