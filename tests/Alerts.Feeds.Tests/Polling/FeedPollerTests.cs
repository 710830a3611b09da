using System.Globalization;
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
/// The poller end to end: fixtures served over HTTP, the real ingest (normalizer, Table Storage change log, subscriber
/// index, Storage queue) and the Table Storage cursor store, all against Azurite. Each test uses its own source names and
/// tickers, so they share one Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FeedPollerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly string[] BenzingaTickers = ["CIFR", "LULU", "TSLA", "THS", "MARA", "CVS", "AAPL", "WBA", "SHOP", "BRK.B"];
    private static readonly string[] RssTickers = ["CIFR", "COIN", "CBT", "TSLA", "SNOW", "HOOD"];

    private readonly TickersApart _tickers = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private CaptureServer _server = null!;

    public async Task InitializeAsync() => _server = await CaptureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Name(string prefix) => $"{prefix}-{_run}";

    private FeedTestHost Host(FeedSettings settings, Action<IServiceCollection>? configure = null) =>
        FeedTestHost.Create(settings, storageConnectionString: azurite.ConnectionString, configure: configure);

    private FeedSettings Finnhub(FeedSettings? settings = null) =>
        (settings ?? new FeedSettings()).Source(Name("finnhub"), "Finnhub", baseUrl: _server.BaseUrl, symbols: "AAPL");

    private FeedSettings Benzinga(FeedSettings? settings = null) =>
        (settings ?? new FeedSettings()).Source(Name("benzinga"), "Benzinga", baseUrl: _server.BaseUrl);

    private FeedSettings Rss(FeedSettings? settings = null) =>
        (settings ?? new FeedSettings()).Source(Name("wire"), "Rss", url: _server.BaseUrl + "/rss", apiKey: null);

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
    public async Task PollAllAsync_Finnhub_StoresTheChangesThenTheCursorInTableStorage()
    {
        Serve("finnhub-upgrade-downgrade-aapl.json", "AAPL");
        await using var host = Host(Finnhub());

        var summary = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.True(summary.Succeeded, summary.Error);
        Assert.Equal((5, 0, 0), (summary.Accepted, summary.Duplicates, summary.Skipped));
        Assert.Equal("2025-12-02T13:05:00Z", summary.Cursor);

        var history = await host.HistoryAsync(_tickers["AAPL"]);
        Assert.Equal(5, history.Count);
        var upgrade = history[0]; // newest first
        Assert.Equal("Morgan Stanley", upgrade.Firm);
        Assert.Equal(RatingAction.Upgrade, upgrade.Action);
        Assert.Equal(Name("finnhub"), upgrade.Source);
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 13, 5, 0, TimeSpan.Zero), upgrade.PublishedAt);
        Assert.Equal(TestClock.FixtureNow, upgrade.ReceivedAt);
        Assert.Equal(RatingAction.Downgrade, history.Single(c => c.Firm == "Barclays").Action);

        var row = await CursorRowAsync(Name("finnhub"));
        Assert.NotNull(row);
        Assert.Equal("2025-12-02T13:05:00Z", row.GetString("Cursor"));
        Assert.Equal(TestClock.FixtureNow, row.GetDateTimeOffset("PolledAt"));
    }

    [Fact]
    public async Task PollAllAsync_AfterARestart_NeitherMissesNorRepeats()
    {
        Serve("finnhub-upgrade-downgrade-aapl.json", "AAPL");
        await using (var before = Host(Finnhub()))
        {
            Assert.Equal(5, Assert.Single(await before.Poller.PollAllAsync(CancellationToken.None)).Accepted);
        }

        // The process stops; meanwhile Finnhub publishes one more. A new process over the same storage polls.
        Serve("finnhub-upgrade-downgrade-aapl-later.json", "AAPL");
        _server.Clear();
        await using var after = Host(Finnhub());

        var summary = Assert.Single(await after.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal("2025-12-01", Assert.Single(_server.Requests).Query["from"]); // from the saved cursor, a day back
        Assert.Equal(1, summary.Accepted);
        Assert.True(summary.Duplicates > 0);
        Assert.Equal("2025-12-02T15:40:00Z", summary.Cursor);
        var history = await after.HistoryAsync(_tickers["AAPL"]);
        Assert.Equal(6, history.Count);
        Assert.Equal("Goldman Sachs", history[0].Firm);
        Assert.Equal(history.Count, history.Select(c => c.Id).Distinct().Count());

        var again = Assert.Single(await after.Poller.PollAllAsync(CancellationToken.None));
        Assert.Equal(0, again.Accepted);
        Assert.Equal(6, (await after.HistoryAsync(_tickers["AAPL"])).Count);
    }

    [Fact]
    public async Task PollAllAsync_CrashAfterIngestBeforeTheCursorWasSaved_RepollRepeatsNothing()
    {
        Serve("finnhub-upgrade-downgrade-aapl.json", "AAPL");
        var failSave = new FailingCursorSaves(times: 1);
        await using var host = Host(Finnhub(), services => services.AddSingleton<IFeedCursorStore>(sp =>
            failSave.Over(ActivatorUtilities.CreateInstance<TableFeedCursorStore>(sp))));

        var crashed = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));
        Assert.False(crashed.Succeeded);
        Assert.Equal(5, (await host.HistoryAsync(_tickers["AAPL"])).Count);
        Assert.Null(await CursorRowAsync(Name("finnhub")));

        var repoll = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.True(repoll.Succeeded, repoll.Error);
        Assert.Equal((0, 5), (repoll.Accepted, repoll.Duplicates));
        Assert.Equal(5, (await host.HistoryAsync(_tickers["AAPL"])).Count);
        Assert.Equal("2025-12-02T13:05:00Z", (await CursorRowAsync(Name("finnhub")))!.GetString("Cursor"));
    }

    [Fact]
    public async Task PollAllAsync_BenzingaRecordUpdatedLater_IsAlertedOnceAndItsCorrectionKeptInHistory()
    {
        var cifr = _tickers["CIFR"];
        await using var host = Host(Benzinga());
        await host.Services.GetRequiredService<TableSubscriptionStore>().ActivateAsync(
            new Subscription
            {
                Id = Ids.NewRandom(),
                Email = $"feeds-{_run}@example.com",
                Tickers = [cifr],
                Rules = SubscriberRules.Any,
                Status = SubscriptionStatus.Pending,
                CreatedAt = TestClock.FixtureNow,
            },
            TestClock.FixtureNow,
            CancellationToken.None);
        Serve("benzinga-ratings.json", BenzingaTickers);

        var first = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal((10, 1), (first.Accepted, first.FanningOut));

        // Benzinga corrects the CIFR record: same id, newer "updated", another target.
        Serve("benzinga-ratings-updated.json", BenzingaTickers);
        _server.Clear();
        var second = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal(first.Cursor, Assert.Single(_server.Requests).Query["parameters[updated]"]);
        Assert.Equal((0, 1, 0, 0), (second.Accepted, second.Corrections, second.Duplicates, second.FanningOut));
        Assert.Equal(
            DateTimeOffset.Parse("2025-12-02T14:30:00Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            second.Cursor);

        // History shows the first version and its correction; only the first alerted anyone.
        var history = await host.HistoryAsync(cifr);
        Assert.Equal(2, history.Count);
        var original = history.Single(c => c.CorrectionOf is null);
        var correction = history.Single(c => c.CorrectionOf is not null);
        Assert.Equal(original.Id, correction.CorrectionOf);
        Assert.Equal((18.00m, 19.00m), (original.ToTarget, correction.ToTarget));
        Assert.All(history, c => Assert.Equal(("692e1f0a8b7c4e0001a1c001", Name("benzinga")), (c.SenderId, c.Source)));
        Assert.Equal(RatingAction.Upgrade, original.Action);
        Assert.Equal("JPMorgan", original.Firm); // "JP Morgan", canonical
        Assert.Equal(50m, original.TargetChangePct);

        // The corrected record delivered once more: a plain repeat.
        var third = Assert.Single(await host.Poller.PollAllAsync(CancellationToken.None));
        Assert.Equal((0, 0, 1, 0), (third.Accepted, third.Corrections, third.Duplicates, third.FanningOut));
        Assert.Equal(2, (await host.HistoryAsync(cifr)).Count);
    }

    [Fact]
    public async Task PollAllAsync_RecordsBreakingTheContract_AreSkippedAndCountedAndTheRestStored()
    {
        var finnhubBody = _tickers.Fixture("finnhub-upgrade-downgrade-mixed.json", "NVDA");
        var benzingaBody = _tickers.Fixture("benzinga-ratings-bad-records.json", "MSTR", "COIN", "HOOD", "PLTR");
        _server.SetResponder(request => Responses.Json(request.Path.StartsWith("/stock", StringComparison.Ordinal) ? finnhubBody : benzingaBody));
        await using var host = Host(Benzinga(Finnhub()));

        var summaries = await host.Poller.PollAllAsync(CancellationToken.None);

        // Finnhub: 3 unreadable + a bad ticker "NV DA!", an empty firm, a record saying nothing.
        var finnhub = summaries.Single(s => s.Source == Name("finnhub"));
        Assert.Equal((1, 6), (finnhub.Accepted, finnhub.Skipped));
        Assert.Equal("Bernstein", Assert.Single(await host.HistoryAsync(_tickers["NVDA"])).Firm);

        // Benzinga: "N/A" target and "12/02/2025" unreadable + an empty ticker and a target of -5.00.
        var benzinga = summaries.Single(s => s.Source == Name("benzinga"));
        Assert.Equal((1, 4), (benzinga.Accepted, benzinga.Skipped));
        Assert.Single(await host.HistoryAsync(_tickers["PLTR"]));
        Assert.Empty(await host.HistoryAsync(_tickers["HOOD"]));

        Assert.Single(host.Logged(LogLevel.Warning, $"Feed {Name("finnhub")}: 6 records skipped"));
        Assert.Single(host.Logged(LogLevel.Debug, "ticker may hold only the letters A-Z"));
        Assert.Single(host.Logged(LogLevel.Debug, "toTarget must be greater than 0"));
    }

    [Fact]
    public async Task PollAllAsync_SourceFailingEveryTime_IsSkippedWithItsCursorKeptAndTheOthersPolled()
    {
        var benzingaBody = _tickers.Fixture("benzinga-ratings.json", BenzingaTickers);
        _server.SetResponder(request => request.Path.StartsWith("/stock", StringComparison.Ordinal)
            ? Responses.Status(500, "Internal Server Error")
            : Responses.Json(benzingaBody));
        await using var host = Host(Benzinga(Finnhub()));
        await host.Cursors.SaveAsync(Name("finnhub"), "2025-12-02T10:00:00Z", TestClock.FixtureNow.AddHours(-1), CancellationToken.None);

        var summaries = await host.Poller.PollAllAsync(CancellationToken.None);

        var finnhub = summaries.Single(s => s.Source == Name("finnhub"));
        Assert.False(finnhub.Succeeded);
        Assert.Contains("500", finnhub.Error);
        Assert.Equal("2025-12-02T10:00:00Z", finnhub.Cursor);
        Assert.Equal("2025-12-02T10:00:00Z", await host.Cursors.GetAsync(Name("finnhub"), CancellationToken.None));
        Assert.Equal(4, _server.Requests.Count(r => r.Path.StartsWith("/stock", StringComparison.Ordinal))); // 1 + 3 retries

        var benzinga = summaries.Single(s => s.Source == Name("benzinga"));
        Assert.True(benzinga.Succeeded, benzinga.Error);
        Assert.Equal(10, benzinga.Accepted);
        Assert.Equal(benzinga.Cursor, await host.Cursors.GetAsync(Name("benzinga"), CancellationToken.None));

        var failure = Assert.Single(host.Logged(LogLevel.Error, $"Feed {Name("finnhub")} failed and was skipped"));
        Assert.IsType<FeedUnavailableException>(failure.Exception);
    }

    [Fact]
    public async Task PollAllAsync_MalformedPayloads_AreLoggedAndEveryCursorKept()
    {
        _server.SetResponder(request => request.Path switch
        {
            "/stock/upgrade-downgrade" => Responses.Json("[{\"symbol\": \"AAPL\", \"company\": "),
            "/rss" => Responses.Xml("<rss version=\"2.0\"><channel><item><title>cut off"),
            _ => Responses.Json("""{"ratings": "temporarily unavailable"}"""),
        });
        await using var host = Host(Rss(Benzinga(Finnhub())));
        foreach (var source in new[] { Name("finnhub"), Name("benzinga"), Name("wire") })
        {
            await host.Cursors.SaveAsync(source, "cursor-of-" + source, TestClock.FixtureNow.AddHours(-1), CancellationToken.None);
        }

        var summaries = await host.Poller.PollAllAsync(CancellationToken.None);

        Assert.All(summaries, s => Assert.False(s.Succeeded));
        Assert.Contains("invalid JSON", summaries.Single(s => s.Source == Name("finnhub")).Error);
        Assert.Contains("not an array", summaries.Single(s => s.Source == Name("benzinga")).Error);
        Assert.Contains("invalid XML", summaries.Single(s => s.Source == Name("wire")).Error);
        foreach (var summary in summaries)
        {
            Assert.Equal("cursor-of-" + summary.Source, await host.Cursors.GetAsync(summary.Source, CancellationToken.None));
            Assert.IsType<FeedFormatException>(Assert.Single(host.Logged(LogLevel.Error, $"Feed {summary.Source} failed")).Exception);
        }
    }

    [Fact]
    public async Task PollAllAsync_StorageDownDuringIngest_KeepsTheCursorAndCatchesUpWhenItIsBack()
    {
        Serve("finnhub-upgrade-downgrade-aapl.json", "AAPL");
        var deadTables = new TableServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};TableEndpoint=http://127.0.0.1:{FreePorts.GetOne()}/{AzuriteServer.AccountName};",
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } });
        await using (var down = Host(Finnhub(), services => services.AddSingleton<Core.Ingest.IRatingChangeStore>(
            new TableRatingChangeStore(new StorageBootstrapper(deadTables, queues: null)))))
        {
            var failed = Assert.Single(await down.Poller.PollAllAsync(CancellationToken.None));

            Assert.False(failed.Succeeded);
            Assert.Null(await CursorRowAsync(Name("finnhub")));
        }

        await using var back = Host(Finnhub());
        var caughtUp = Assert.Single(await back.Poller.PollAllAsync(CancellationToken.None));

        Assert.Equal(5, caughtUp.Accepted);
        Assert.Equal("2025-12-02T13:05:00Z", (await CursorRowAsync(Name("finnhub")))!.GetString("Cursor"));
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
        var body = _tickers.Fixture("finnhub-upgrade-downgrade-aapl.json", "AAPL");
        _server.SetResponder(_ =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(1));
            return Responses.Json(body);
        });
        await using var host = Host(Finnhub());

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
