using System.Globalization;
using System.Text.Json.Nodes;
using Alerts.Core;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Infrastructure.Storage;
using Alerts.Testing;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Feeds.Tests.Polling;

/// <summary>
/// The poller end to end: the vendors' recorded answers served over HTTP (tickers renamed apart, moved in time where a test
/// needs them recent), the real ingest (normalizer, Table Storage change log, subscriber index, Storage queue) and the
/// Table Storage cursor store, all against Azurite. Each test uses its own source names and tickers, so they share one
/// Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FeedPollerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    /// <summary>The day after the newest record of Finnhub's sample (2019-09-06).</summary>
    private static readonly DateTimeOffset FinnhubNow = new(2019, 9, 7, 15, 0, 0, TimeSpan.Zero);

    /// <summary>Days that move Benzinga's recording (newest record 2024-01-10) to the test clock's day (2025-12-02).</summary>
    private static readonly int BenzingaDays = VendorSample.DaysBetween(new DateOnly(2024, 1, 10), DateOnly.FromDateTime(TestClock.FixtureNow.UtcDateTime));

    private static readonly string[] RssTickers = ["CIFR", "COIN", "CBT", "TSLA", "SNOW", "HOOD"];

    private readonly TickersApart _tickers = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private CaptureServer _server = null!;

    public async Task InitializeAsync() => _server = await CaptureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Name(string prefix) => $"{prefix}-{_run}";

    private FeedTestHost Host(FeedSettings settings, TimeProvider? time = null, Action<IServiceCollection>? configure = null) =>
        FeedTestHost.Create(settings, time, storageConnectionString: azurite.ConnectionString, configure: configure);

    private FeedSettings Finnhub(FeedSettings? settings = null) =>
        (settings ?? new FeedSettings()).Source(Name("finnhub"), "Finnhub", baseUrl: _server.BaseUrl, symbols: _tickers["BYND"], lookbackDays: 60);

    private FeedSettings Benzinga(FeedSettings? settings = null, int lookbackDays = 3) =>
        (settings ?? new FeedSettings()).Source(Name("benzinga"), "Benzinga", baseUrl: _server.BaseUrl, lookbackDays: lookbackDays);

    private FeedSettings FmpTargets(FeedSettings? settings = null) =>
        (settings ?? new FeedSettings()).Source(Name("fmp-targets"), "FmpPriceTargets", baseUrl: _server.BaseUrl, symbols: _tickers["AAPL"], lookbackDays: 365);

    private FeedSettings Rss(FeedSettings? settings = null) =>
        (settings ?? new FeedSettings()).Source(Name("wire"), "Rss", url: _server.BaseUrl + "/rss", apiKey: null);

    private string Apart(string ticker) => _tickers[ticker];

    private void ServeFinnhub(Func<JsonObject, bool>? keep = null)
    {
        var body = VendorSample.Rewrite(VendorSample.FinnhubBynd, ticker: Apart, keep: keep);
        _server.SetResponder(_ => Responses.Json(body));
    }

    private void Serve(string fixture, params string[] tickers)
    {
        var body = _tickers.Fixture(fixture, tickers);
        _server.SetResponder(_ => fixture.EndsWith(".xml", StringComparison.Ordinal) ? Responses.Xml(body) : Responses.Json(body));
    }

    private async Task<TableEntity?> CursorRowAsync(string source)
    {
        var row = await new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.FeedCursorsTable)
            .GetEntityIfExistsAsync<TableEntity>(source, string.Empty);
        return row.HasValue ? row.Value : null;
    }

    [Fact]
    public async Task PollAllAsync_FinnhubSample_StoresEachDateOnlyRecordOnItsVendorDate()
    {
        ServeFinnhub();
        await using var host = Host(Finnhub(), new TestClock(FinnhubNow));

        var summary = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.True(summary.Succeeded, summary.Error);
        Assert.Equal((3, 0, 0), (summary.Accepted, summary.Duplicates, summary.Skipped));

        // Read back from Table Storage: the dates are the vendor's, in order, newest first.
        var history = await host.HistoryAsync(Apart("BYND"));
        Assert.Equal(["DA Davidson", "JPMorgan", "BofA Securities"], history.Select(c => c.Firm));
        Assert.Equal([new DateOnly(2019, 9, 6), new DateOnly(2019, 8, 20), new DateOnly(2019, 8, 2)], history.Select(c => c.PublishedDate!.Value));
        var jpm = history[1];
        Assert.Equal(RatingAction.Upgrade, jpm.Action);
        Assert.Equal(new DateTimeOffset(2019, 8, 20, 20, 0, 0, TimeSpan.Zero), jpm.PublishedAt);
        Assert.Equal("2019-08-20", Core.Delivery.ChangeDescription.Published(jpm));
        Assert.Equal(Name("finnhub"), jpm.Source);

        var row = await CursorRowAsync(Name("finnhub"));
        Assert.NotNull(row);
        Assert.Contains($"\"{Apart("BYND")}\":{{\"cursor\":\"2019-09-06T20:00:00Z\"", row.GetString("Cursor"), StringComparison.Ordinal);
        Assert.Equal(FinnhubNow, row.GetDateTimeOffset("PolledAt"));
    }

    [Fact]
    public async Task PollAllAsync_AfterARestart_NeitherMissesNorRepeats()
    {
        // Before the restart Finnhub has published the two older records; afterwards the third as well.
        ServeFinnhub(keep: r => (string)r["company"]! != "DA Davidson");
        await using (var before = Host(Finnhub(), new TestClock(FinnhubNow.AddDays(-10))))
        {
            Assert.Equal(2, Assert.Single(await before.Poller.PollAllAsync(CancellationToken.None)).Accepted);
        }

        ServeFinnhub();
        _server.Clear();
        await using var after = Host(Finnhub(), new TestClock(FinnhubNow));

        var summary = Assert.Single(await after.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal("2019-08-13", Assert.Single(_server.Requests).Query["from"]); // the saved cursor (2019-08-20) less 7 days
        Assert.Equal((1, 1), (summary.Accepted, summary.Duplicates)); // BofA's 2019-08-02 is before the window
        var history = await after.HistoryAsync(Apart("BYND"));
        Assert.Equal(["DA Davidson", "JPMorgan", "BofA Securities"], history.Select(c => c.Firm));

        var again = Assert.Single(await after.Poller.PollAllAsync(CancellationToken.None));
        Assert.Equal(0, again.Accepted);
        Assert.Equal(3, (await after.HistoryAsync(Apart("BYND"))).Count);
    }

    [Fact]
    public async Task PollAllAsync_RecordWrittenLateBackDated_IsStillRead()
    {
        // A first poll sees JPMorgan's record only; later Finnhub adds BofA's, dated 18 days before it... within the
        // overlap only if the overlap covers it: with OverlapDays=30 it is read.
        ServeFinnhub(keep: r => (string)r["company"]! == "JP Morgan");
        await using var host = Host(Finnhub().With("OverlapDays", 30), new TestClock(FinnhubNow));
        Assert.Equal(1, Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None)).Accepted);

        ServeFinnhub(keep: r => (string)r["company"]! != "DA Davidson");
        var later = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal((1, 1), (later.Accepted, later.Duplicates));
        Assert.Equal(["JPMorgan", "BofA Securities"], (await host.HistoryAsync(Apart("BYND"))).Select(c => c.Firm));
    }

    [Fact]
    public async Task PollAllAsync_CrashAfterIngestBeforeTheCursorWasSaved_RepollRepeatsNothing()
    {
        ServeFinnhub();
        var failSave = new FailingCursorSaves(times: 1);
        await using var host = Host(Finnhub(), new TestClock(FinnhubNow), services => services.AddSingleton<IFeedCursorStore>(sp =>
            failSave.Over(ActivatorUtilities.CreateInstance<TableFeedCursorStore>(sp))));

        var crashed = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));
        Assert.False(crashed.Succeeded);
        Assert.Equal(3, (await host.HistoryAsync(Apart("BYND"))).Count);
        Assert.Null(await CursorRowAsync(Name("finnhub")));

        var repoll = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.True(repoll.Succeeded, repoll.Error);
        Assert.Equal((0, 3), (repoll.Accepted, repoll.Duplicates));
        Assert.Equal(3, (await host.HistoryAsync(Apart("BYND"))).Count);
        Assert.NotNull(await CursorRowAsync(Name("finnhub")));
    }

    [Fact]
    public async Task PollAllAsync_BenzingaRecording_EveryRecordStoredOnceWithBenzingasActionAndNewYorkTime()
    {
        var aapl = Apart("AAPL");
        await using var host = Host(Benzinga(lookbackDays: 365));
        await SubscribeAsync(host, aapl);
        var body = VendorSample.Rewrite(VendorSample.BenzingaAapl, BenzingaDays, ticker: Apart);
        _server.SetResponder(Responses.Benzinga(body));

        var first = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        // Moved to the test's day, only Redburn's of "today" is recent enough to alert (72 hours); all are history.
        Assert.Equal((100, 0, 1), (first.Accepted, first.Skipped, first.FanningOut));
        var history = await host.HistoryAsync(aapl);
        Assert.Equal(100, history.Count);
        Assert.Equal(100, history.Select(c => c.SenderId).Distinct().Count());
        var redburn = history[0];
        Assert.Equal(("659e84b3b02d4100013258aa", "Redburn Atlantic", RatingAction.Downgrade), (redburn.SenderId, redburn.Firm, redburn.Action));
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 11, 51, 15, TimeSpan.Zero), redburn.PublishedAt); // 06:51:15 EST
        Assert.Null(redburn.PublishedDate);
        var wedbush = history.Single(c => c.SenderId == "64de138d704f3b0001d0b61f");
        Assert.Equal(RatingAction.Reiterate, wedbush.Action);
        Assert.Equal(8, wedbush.PublishedAt.AddDays(-BenzingaDays).Month); // a summer record, moved with its time of day kept

        // The same answer again: stored and alerted once.
        var again = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));
        Assert.Equal((0, 100, 0), (again.Accepted, again.Duplicates, again.FanningOut));
        Assert.Equal(100, (await host.HistoryAsync(aapl)).Count);
    }

    [Fact]
    public async Task PollAllAsync_BenzingaRecordUpdatedLater_IsStoredAsItsCorrectionAndQueuedForItsFanOut()
    {
        var aapl = Apart("AAPL");
        await using var host = Host(Benzinga());
        await SubscribeAsync(host, aapl);
        _server.SetResponder(Responses.Benzinga(VendorSample.Rewrite(
            VendorSample.BenzingaAapl, BenzingaDays, ticker: Apart, keep: r => (string)r["date"]! == "2024-01-10")));

        var first = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));
        Assert.Equal((1, 1), (first.Accepted, first.FanningOut));

        // Benzinga corrects Redburn's record an hour later: same id, newer "updated", another target.
        _server.SetResponder(Responses.Benzinga(VendorSample.Rewrite(
            VendorSample.BenzingaAapl,
            BenzingaDays,
            ticker: Apart,
            keep: r => (string)r["date"]! == "2024-01-10",
            edit: r =>
            {
                r["pt_current"] = "180.0000";
                r["updated"] = (long)r["updated"]! + 3600;
            })));
        _server.Clear();
        var second = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        var moved = 1704887528L + (BenzingaDays * 86_400L);
        Assert.Equal((moved - 5).ToString(CultureInfo.InvariantCulture), Assert.Single(Responses.RatingsRequests(_server.Requests)).Query["parameters[updated]"]);

        // Stored as the correction of the first and named for the fan-out step, which tells whoever got the first alert.
        Assert.Equal((0, 1, 0, 1), (second.Accepted, second.Corrections, second.Duplicates, second.FanningOut));
        Assert.Equal((moved + 3600).ToString(CultureInfo.InvariantCulture), second.Cursor);

        var history = await host.HistoryAsync(aapl);
        Assert.Equal(2, history.Count);
        var original = history.Single(c => c.CorrectionOf is null);
        var correction = history.Single(c => c.CorrectionOf is not null);
        Assert.Equal(original.Id, correction.CorrectionOf);
        Assert.Equal((200m, 180m), (original.ToTarget, correction.ToTarget));
    }

    [Fact]
    public async Task PollAllAsync_FmpTargetAfterTheFirmsEarlierTargetInHistory_IsATargetRaiseFromIt()
    {
        var aapl = Apart("AAPL");

        // History: Benzinga's recorded AAPL records up to 2023-09-12 (Wedbush's last target then: $230).
        _server.SetResponder(Responses.Benzinga(request => request.Path.StartsWith("/api/v2.1", StringComparison.Ordinal)
            ? VendorSample.Rewrite(VendorSample.BenzingaAapl, ticker: Apart, keep: r => string.CompareOrdinal((string)r["date"]!, "2023-09-12") <= 0)
            : VendorSample.Rewrite(VendorSample.FmpPriceTargetNewsAapl, ticker: Apart)));
        await using var host = Host(Benzinga(lookbackDays: 365), new TestClock(new DateTimeOffset(2023, 9, 13, 0, 0, 0, TimeSpan.Zero)));
        Assert.True(Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None)).Succeeded);

        // Then FMP's price-target news (new targets only, no prior, no action), polled a week later...
        await using (var then = Host(FmpTargets(), new TestClock(new DateTimeOffset(2023, 9, 19, 0, 0, 0, TimeSpan.Zero))))
        {
            var early = Assert.Single(await then.Poller.PollAllAsync(CancellationToken.None));
            Assert.Equal((2, 1), (early.Accepted, early.Skipped)); // Jefferies' of 2025 is in this clock's future: refused
        }

        // ... and again once Jefferies' record is out.
        await using var fmp = Host(FmpTargets(), new TestClock(new DateTimeOffset(2025, 1, 22, 0, 0, 0, TimeSpan.Zero)));
        var summary = Assert.Single(await fmp.Poller.PollAllAsync(CancellationToken.None));
        Assert.True(summary.Succeeded, summary.Error);
        Assert.Equal(1, summary.Accepted);

        var fromFmp = (await fmp.HistoryAsync(aapl)).Where(c => c.Source == Name("fmp-targets")).ToList();
        var wedbush = fromFmp.Single(c => c.Firm == "Wedbush");
        Assert.Equal((230m, 240m, RatingAction.TargetRaise), (wedbush.FromTarget, wedbush.ToTarget, wedbush.Action));
        var needham = fromFmp.Single(c => c.Firm == "Needham");
        Assert.Equal((195m, 195m, RatingAction.Reiterate), (needham.FromTarget, needham.ToTarget, needham.Action)); // the same target kept
        var jefferies = fromFmp.Single(c => c.Firm == "Jefferies");
        Assert.Equal((210m, 200.75m, RatingAction.Downgrade), (jefferies.FromTarget, jefferies.ToTarget, jefferies.Action)); // the headline says downgrade
    }

    [Fact]
    public async Task PollAllAsync_FmpTargetWithNoEarlierTargetOfTheFirm_IsATargetSetWithNoPriorTarget()
    {
        _server.SetResponder(_ => Responses.Json(VendorSample.Rewrite(
            VendorSample.FmpPriceTargetNewsAapl, ticker: Apart, keep: r => (string)r["analystCompany"]! == "Wedbush")));
        await using var host = Host(FmpTargets(), new TestClock(new DateTimeOffset(2023, 9, 19, 0, 0, 0, TimeSpan.Zero)));

        var summary = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal(1, summary.Accepted);
        var wedbush = Assert.Single(await host.HistoryAsync(Apart("AAPL")));
        Assert.Null(wedbush.FromTarget);
        Assert.Equal(240m, wedbush.ToTarget);

        // Its headline states no action, and there is nothing to compare its target with: a target, with no direction.
        Assert.Equal(RatingAction.TargetSet, wedbush.Action);
    }

    [Fact]
    public async Task PollAllAsync_RecordsBreakingTheContract_AreSkippedAndCountedAndTheRestStored()
    {
        // Benzinga's recording with, in the test, a negative target and an empty ticker; FMP's with a negative target.
        var benzinga = VendorSample.Rewrite(VendorSample.BenzingaAapl, ticker: Apart, keep: r => (string)r["date"]! == "2024-01-10" || (string)r["date"]! == "2024-01-04" || (string)r["date"]! == "2024-01-03", edit: r =>
        {
            switch ((string)r["id"]!)
            {
                case "659e84b3b02d4100013258aa": r["pt_current"] = "-5.00"; break;
                case "65968805b3d44200013a9196": r["ticker"] = ""; break;
            }
        });
        var fmp = VendorSample.Rewrite(VendorSample.FmpPriceTargetNewsAapl, ticker: Apart, edit: r =>
        {
            if ((string)r["analystCompany"]! == "Needham")
            {
                r["priceTarget"] = -195;
                r["adjPriceTarget"] = -195;
            }
        });
        _server.SetResponder(Responses.Benzinga(request => request.Path.StartsWith("/api/v2.1", StringComparison.Ordinal) ? benzinga : fmp));
        await using var host = Host(FmpTargets(Benzinga(lookbackDays: 10)), new TestClock(new DateTimeOffset(2024, 1, 12, 0, 0, 0, TimeSpan.Zero)));

        var summaries = await host.Poller.PollAllAsync(CancellationToken.None);

        var history = await host.HistoryAsync(Apart("AAPL"));
        var bz = summaries.Single(s => s.Source == Name("benzinga"));
        Assert.True(bz.Succeeded, bz.Error);
        Assert.Equal((1, 2), (bz.Accepted, bz.Skipped));
        Assert.Equal("DA Davidson", Assert.Single(history, c => c.Source == Name("benzinga")).Firm);
        Assert.Equal("1704887528", bz.Cursor); // the cursor moves past what was skipped: it would be refused again

        // FMP: Needham's negative target refused, Jefferies' of 2025 refused (in this clock's future), Wedbush's stored.
        var targets = summaries.Single(s => s.Source == Name("fmp-targets"));
        Assert.True(targets.Succeeded, targets.Error);
        Assert.Equal((1, 2), (targets.Accepted, targets.Skipped));
        Assert.Equal("Wedbush", Assert.Single(history, c => c.Source == Name("fmp-targets")).Firm);
        Assert.Single(host.Logged(LogLevel.Debug, "ticker is required"));
        Assert.NotEmpty(host.Logged(LogLevel.Debug, "toTarget must be greater than 0"));
    }

    [Fact]
    public async Task PollAllAsync_SourceFailingEveryTime_IsSkippedWithItsCursorKeptAndTheOthersPolled()
    {
        var benzinga = VendorSample.Rewrite(VendorSample.BenzingaAapl, BenzingaDays, ticker: Apart);
        _server.SetResponder(request => request.Path.StartsWith("/stock", StringComparison.Ordinal)
            ? Responses.Status(500, "Internal Server Error")
            : Responses.Json(benzinga));
        await using var host = Host(Benzinga(Finnhub(), lookbackDays: 365));
        await host.Cursors.SaveAsync(Name("finnhub"), "2025-12-02T10:00:00Z", TestClock.FixtureNow.AddHours(-1), CancellationToken.None);

        var summaries = await host.Poller.PollAllAsync(CancellationToken.None);

        var finnhub = summaries.Single(s => s.Source == Name("finnhub"));
        Assert.False(finnhub.Succeeded);
        Assert.Contains("500", finnhub.Error);
        Assert.Equal("2025-12-02T10:00:00Z", finnhub.Cursor);
        Assert.Equal("2025-12-02T10:00:00Z", await host.Cursors.GetAsync(Name("finnhub"), CancellationToken.None));
        Assert.Equal(4, _server.Requests.Count(r => r.Path.StartsWith("/stock", StringComparison.Ordinal))); // 1 + 3 retries

        var bz = summaries.Single(s => s.Source == Name("benzinga"));
        Assert.True(bz.Succeeded, bz.Error);
        Assert.Equal(100, bz.Accepted);
        Assert.Equal(bz.Cursor, await host.Cursors.GetAsync(Name("benzinga"), CancellationToken.None));

        var failure = Assert.Single(host.Logged(LogLevel.Error, $"Feed {Name("finnhub")} failed and was skipped"));
        Assert.IsType<FeedUnavailableException>(failure.Exception);
    }

    [Fact]
    public async Task PollAllAsync_MalformedPayloads_AreLoggedAndEveryCursorKept()
    {
        _server.SetResponder(request => request.Path switch
        {
            "/stock/upgrade-downgrade" => Responses.Json("[{\"symbol\": \"BYND\", \"company\": "),
            "/rss" => Responses.Xml("<rss version=\"2.0\"><channel><item><title>cut off"),
            _ => Responses.Json("""{"ratings": "temporarily unavailable"}"""),
        });
        await using var host = Host(Rss(Benzinga(Finnhub())));
        var finnhubCursor = "{\"symbols\":{\"" + Apart("BYND") + "\":{\"cursor\":\"2025-12-01T00:00:00Z\"}}}";
        await host.Cursors.SaveAsync(Name("finnhub"), finnhubCursor, TestClock.FixtureNow.AddHours(-1), CancellationToken.None);
        foreach (var source in new[] { Name("benzinga"), Name("wire") })
        {
            await host.Cursors.SaveAsync(source, "cursor-of-" + source, TestClock.FixtureNow.AddHours(-1), CancellationToken.None);
        }

        var summaries = await host.Poller.PollAllAsync(CancellationToken.None);

        // Finnhub: its one symbol's answer is skipped with that symbol's cursor kept; the poll itself goes on.
        var finnhub = summaries.Single(s => s.Source == Name("finnhub"));
        Assert.Contains("invalid JSON", finnhub.Error);
        Assert.Contains("\"cursor\":\"2025-12-01T00:00:00Z\"", await host.Cursors.GetAsync(Name("finnhub"), CancellationToken.None), StringComparison.Ordinal);
        Assert.Single(host.Logged(LogLevel.Warning, $"Feed {Name("finnhub")}: the answer for {Apart("BYND")} was skipped"));

        foreach (var summary in summaries.Where(s => s.Source != Name("finnhub")))
        {
            Assert.False(summary.Succeeded);
            Assert.Equal("cursor-of-" + summary.Source, await host.Cursors.GetAsync(summary.Source, CancellationToken.None));
            Assert.IsType<FeedFormatException>(Assert.Single(host.Logged(LogLevel.Error, $"Feed {summary.Source} failed")).Exception);
        }

        Assert.Contains("not an array", summaries.Single(s => s.Source == Name("benzinga")).Error);
        Assert.Contains("invalid XML", summaries.Single(s => s.Source == Name("wire")).Error);
    }

    [Fact]
    public async Task PollAllAsync_EndpointNeedingAPaidPlan_IsReportedOnceAndNotCalledEveryPoll()
    {
        _server.SetResponder(request => request.Path.StartsWith("/stable", StringComparison.Ordinal)
            ? Responses.Status(402, """{"Error Message": "Premium Query Parameter: this value is not available under your current subscription"}""")
            : Responses.Json(VendorSample.Rewrite(VendorSample.FinnhubBynd, ticker: Apart)));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FinnhubNow);
        await using var host = Host(FmpTargets(Finnhub(new FeedSettings().Set("Feeds:MaxRetries", 0))), time);

        var first = await host.Poller.PollAllAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        var second = await host.Poller.PollAllAsync(CancellationToken.None);

        var denied = first.Single(s => s.Source == Name("fmp-targets"));
        Assert.False(denied.Succeeded);
        Assert.Contains("this endpoint needs a paid plan", denied.Error);
        Assert.Single(_server.Requests, r => r.Path.StartsWith("/stable", StringComparison.Ordinal)); // not asked again a minute later
        Assert.Single(host.Logged(LogLevel.Error, $"Feed {Name("fmp-targets")} is refused by its provider")); // logged once
        Assert.Contains("this endpoint needs a paid plan", host.Poller.ProblemOf(Name("fmp-targets")));
        Assert.Null(host.Poller.ProblemOf(Name("finnhub")));
        Assert.True(second.Single(s => s.Source == Name("finnhub")).Succeeded); // the other source polled all the same
    }

    [Fact]
    public async Task PollAllAsync_StorageDownDuringIngest_KeepsTheCursorAndCatchesUpWhenItIsBack()
    {
        ServeFinnhub();
        var deadTables = new TableServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};TableEndpoint=http://127.0.0.1:{FreePorts.GetOne()}/{AzuriteServer.AccountName};",
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } });
        await using (var down = Host(Finnhub(), time: new TestClock(FinnhubNow), configure: services => services.AddSingleton<Core.Ingest.IRatingChangeStore>(
            new TableRatingChangeStore(new StorageBootstrapper(deadTables, queues: null)))))
        {
            var failed = Assert.Single(await down.Poller.PollAllAsync(CancellationToken.None));

            Assert.False(failed.Succeeded);
            Assert.Null(await CursorRowAsync(Name("finnhub")));
        }

        await using var back = Host(Finnhub(), time: new TestClock(FinnhubNow));
        var caughtUp = Assert.Single(await back.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal(3, caughtUp.Accepted);
        Assert.Contains("2019-09-06T20:00:00Z", (await CursorRowAsync(Name("finnhub")))!.GetString("Cursor"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAllAsync_RssAfterARestart_ReadsAndStoresOnlyNewItems()
    {
        Serve("rss-analyst-wire.xml", RssTickers);
        await using (var before = Host(Rss()))
        {
            Assert.Equal(4, Assert.Single(await before.Poller.PollAllAsync(CancellationToken.None)).Accepted);
        }

        Serve("rss-analyst-wire-later.xml", RssTickers);
        await using var after = Host(Rss());

        var summary = Assert.Single(await after.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal((2, 0), (summary.Accepted, summary.Duplicates));
        Assert.Equal(2, after.Reader.Calls.Count); // SNOW and HOOD only
        var hood = Assert.Single(await after.HistoryAsync(_tickers["HOOD"]));
        Assert.Equal("wire-20251202-0004", hood.SenderId);
        Assert.Equal(RatingAction.Downgrade, hood.Action);
        Assert.Single(await after.HistoryAsync(_tickers["CIFR"]));
    }

    [Fact]
    public async Task PollAllAsync_CalledWhileAPollIsRunning_ReturnsNothingInsteadOfPollingTwice()
    {
        var body = VendorSample.Rewrite(VendorSample.FinnhubBynd, ticker: Apart);
        _server.SetResponder(_ =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(1)); // a slow vendor, so that the second poll starts while the first runs: the scenario, not a wait
            return Responses.Json(body);
        });
        await using var host = Host(Finnhub(), new TestClock(FinnhubNow));

        var running = host.Poller.PollAllAsync(CancellationToken.None);
        var overlapping = await host.Poller.PollAllAsync(CancellationToken.None);

        Assert.Empty(overlapping);
        Assert.Single(await running);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task PollAllAsync_NoSources_DoesNothing()
    {
        await using var host = Host(new FeedSettings());

        Assert.Empty(host.Poller.SourceNames);
        Assert.Empty(await host.Poller.PollAllAsync(CancellationToken.None));
    }

    private async Task SubscribeAsync(FeedTestHost host, string ticker) =>
        await host.Services.GetRequiredService<TableSubscriptionStore>().ActivateAsync(
            new Subscription
            {
                Id = Ids.NewRandom(),
                Email = $"feeds-{_run}@example.com",
                Tickers = [ticker],
                Rules = SubscriberRules.Any,
                Status = SubscriptionStatus.Pending,
                CreatedAt = TestClock.FixtureNow,
            },
            TestClock.FixtureNow,
            CancellationToken.None);

    /// <summary>A cursor store whose first saves fail, as if the process died between the ingest and the save.</summary>
    private sealed class FailingCursorSaves(int times)
    {
        private int _left = times;

        public IFeedCursorStore Over(IFeedCursorStore inner) => new Store(inner, this);

        private sealed class Store(IFeedCursorStore inner, FailingCursorSaves owner) : IFeedCursorStore
        {
            public Task<string?> GetAsync(string source, CancellationToken cancellationToken) => inner.GetAsync(source, cancellationToken);

            public Task<DateTimeOffset?> GetLastPollAsync(string source, CancellationToken cancellationToken) => inner.GetLastPollAsync(source, cancellationToken);

            public Task SaveAsync(string source, string? cursor, DateTimeOffset polledAt, CancellationToken cancellationToken) =>
                Interlocked.Decrement(ref owner._left) >= 0
                    ? throw new IOException("the process died before the cursor was saved")
                    : inner.SaveAsync(source, cursor, polledAt, cancellationToken);
        }
    }
}
