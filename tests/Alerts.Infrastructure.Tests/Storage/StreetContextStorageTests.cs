using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerts.Infrastructure.Tests.Storage;

/// <summary>The street's context read from real stored changes: one range query per change, bounded by the window and the cap.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StreetContextStorageTests(AzuriteFixture azurite)
{
    private readonly TableRatingChangeStore _store =
        new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString)));

    private StreetContextReader Reader() => new(_store, TimeProvider.System, NullLogger<StreetContextReader>.Instance);

    private static RatingChange Change(string ticker, string firm, DateTimeOffset publishedAt, decimal toTarget = 18m, string toRating = "Overweight") =>
        TestData.Normalizer.Normalize(TestData.Submission(ticker, toTarget: toTarget, publishedAt: publishedAt, firm: firm, toRating: toRating), TestData.Now);

    [Fact]
    public async Task GetWindowAsync_StoredChanges_ReturnsTheWindowNewestFirstBothEndsIncluded()
    {
        var ticker = TestData.UniqueTicker();
        var at = TestData.Now;
        var change = Change(ticker, "J.P. Morgan", at);
        var dayBefore = Change(ticker, "UBS", at.AddDays(-1));
        var onTheBoundary = Change(ticker, "Citi", at - StreetContextCalculator.Window);
        var justOutside = Change(ticker, "Barclays", at - StreetContextCalculator.Window - TimeSpan.FromSeconds(1));
        var later = Change(ticker, "Wells Fargo", at.AddHours(1));
        await _store.AddAsync([justOutside, later, change, onTheBoundary, dayBefore, Change(TestData.UniqueTicker(), "UBS", at.AddDays(-2))], CancellationToken.None);

        var window = await _store.GetWindowAsync(ticker, at - StreetContextCalculator.Window, at, 500, CancellationToken.None);

        Assert.Equal([change.Id, dayBefore.Id, onTheBoundary.Id], window.Select(c => c.Id));
    }

    [Fact]
    public async Task GetAsync_StoredChanges_IsTheContextOfTheNinetyDaysBefore()
    {
        var ticker = TestData.UniqueTicker();
        var at = TestData.Now;
        var change = Change(ticker, "J.P. Morgan", at, toTarget: 18m);
        await _store.AddAsync(
            [
                change,
                Change(ticker, "UBS", at.AddDays(-3), toTarget: 30m, toRating: "Sell"),
                Change(ticker, "Citi", at.AddDays(-89), toTarget: 24m, toRating: "Neutral"),
                Change(ticker, "Barclays", at.AddDays(-91), toTarget: 99m),
            ],
            CancellationToken.None);

        var context = await Reader().GetAsync(change, CancellationToken.None);

        Assert.NotNull(context);
        Assert.Equal(["UBS", "Citi"], context.Recent.Select(c => c.Firm));
        Assert.Equal(new RatingLevelCounts(0, 1, 1, 1, 0, 0), context.Levels);
        Assert.Equal(new TargetConsensus("USD", 3, 24m, 24m, 18m, 30m), context.Targets);
        Assert.Equal(new TargetStanding("JPMorgan", 18m, -25m, 3, 3, false), context.ThisFirm);
        Assert.False(context.Truncated);
    }

    [Fact]
    public async Task GetAsync_BusyTicker_ReadsTheNewestMaxRowsOnly()
    {
        var ticker = TestData.UniqueTicker();
        var at = TestData.Now;
        var change = Change(ticker, "J.P. Morgan", at);
        var history = Enumerable.Range(1, StreetContextReader.MaxRows + 10)
            .Select(i => Change(ticker, $"Firm {i % 50}", at.AddMinutes(-i), toTarget: 10m + i))
            .ToList();
        await _store.AddAsync([change, .. history], CancellationToken.None);

        var window = await _store.GetWindowAsync(ticker, at - StreetContextCalculator.Window, at, StreetContextReader.MaxRows, CancellationToken.None);
        var context = await Reader().GetAsync(change, CancellationToken.None);

        Assert.Equal(StreetContextReader.MaxRows, window.Count);
        Assert.Equal(window.OrderByDescending(c => c.PublishedAt).Select(c => c.Id), window.Select(c => c.Id));
        Assert.Equal(history[StreetContextReader.MaxRows - 2].Id, window[^1].Id); // the change itself, then the 499 newest
        Assert.True(context!.Truncated);
        Assert.Equal(history[0].Id, context.Recent[0].Id);
    }
}
