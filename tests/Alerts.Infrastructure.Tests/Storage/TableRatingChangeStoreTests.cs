using System.Globalization;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableRatingChangeStoreTests(AzuriteFixture azurite)
{
    private readonly IRatingChangeStore _store = NewStore(azurite);

    private static TableRatingChangeStore NewStore(AzuriteFixture azurite) =>
        new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString)));

    private Task<IReadOnlyList<RatingChange>> HistoryAsync(string ticker, DateTimeOffset? since = null, int limit = 1000) =>
        _store.GetHistoryAsync(ticker, since, limit, CancellationToken.None);

    private TableClient RawTable() => new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.RatingChangesTable);

    [Fact]
    public async Task AddAsync_NewChanges_StoresEachAndReturnsNull()
    {
        var ticker = TestData.UniqueTicker();
        var changes = new[]
        {
            TestData.Change(ticker, toTarget: 18m, publishedAt: TestData.Now),
            TestData.Change(ticker, toTarget: 19m, publishedAt: TestData.Now.AddMinutes(1)),
            TestData.Change(ticker, toTarget: 20m, publishedAt: TestData.Now.AddMinutes(2)),
        };

        var results = await _store.AddIdsAsync(changes, CancellationToken.None);

        Assert.Equal([null, null, null], results);
        var history = await HistoryAsync(ticker);
        Assert.Equal(changes.Select(c => c.Id).Reverse(), history.Select(c => c.Id));
    }

    [Fact]
    public async Task AddAsync_SameChangeAgain_ReturnsStoredIdAndStoresNothing()
    {
        var ticker = TestData.UniqueTicker();
        var first = TestData.Change(ticker, receivedAt: TestData.Now.AddMinutes(1));
        Assert.Equal([null], await _store.AddIdsAsync([first], CancellationToken.None));

        // The same call received again later (another poll, a retried webhook): same content, same id.
        var again = TestData.Change(ticker, receivedAt: TestData.Now.AddMinutes(7));
        Assert.Equal(first.Id, again.Id);
        var results = await _store.AddIdsAsync([again], CancellationToken.None);

        Assert.Equal([first.Id], results);
        var history = await HistoryAsync(ticker);
        Assert.Equal(first.Id, Assert.Single(history).Id);
        Assert.Equal(first.ReceivedAt, history[0].ReceivedAt);
    }

    [Fact]
    public async Task AddAsync_SameContentPublishedLaterThatDay_IsDuplicateOfFirst()
    {
        var ticker = TestData.UniqueTicker();
        var first = TestData.Change(ticker, publishedAt: TestData.Now);
        var later = TestData.Change(ticker, publishedAt: TestData.Now.AddHours(2));
        Assert.Equal(first.Id, later.Id); // the content id covers the day, not the minute
        await _store.AddIdsAsync([first], CancellationToken.None);

        var results = await _store.AddIdsAsync([later], CancellationToken.None);

        Assert.Equal([first.Id], results);
        Assert.Single(await HistoryAsync(ticker));
    }

    [Fact]
    public async Task AddAsync_DifferentContentSameSourceAndSenderId_IsStoredAsCorrectionOfFirst()
    {
        var ticker = TestData.UniqueTicker();
        var first = TestData.Change(ticker, toTarget: 18m, senderId: "vendor-123", source: "acme-feed");
        var corrected = TestData.Change(ticker, toTarget: 19m, senderId: "vendor-123", source: "acme-feed");
        Assert.NotEqual(first.Id, corrected.Id);
        Assert.Equal([null], await _store.AddIdsAsync([first], CancellationToken.None));

        var results = await _store.AddIdsAsync([corrected], CancellationToken.None);

        Assert.Equal(["correction-of:" + first.Id], results);
        var history = await HistoryAsync(ticker);
        Assert.Equal(2, history.Count);
        var correction = Assert.Single(history, c => c.Id == corrected.Id);
        Assert.Equal(first.Id, correction.CorrectionOf);
        Assert.Equal(19m, correction.ToTarget);
        Assert.Null(Assert.Single(history, c => c.Id == first.Id).CorrectionOf);
        var raw = await RawTable().GetEntityAsync<TableEntity>(ticker, TableRatingChangeStore.LogRowKey(corrected));
        Assert.Equal("Pending", raw.Value.GetString("DispatchState")); // its fan-out decides whom it tells
    }

    [Fact]
    public async Task AddAsync_CorrectionTheCallerSaysTellsNobody_IsStoredAsACorrectionWithoutPendingRow()
    {
        var ticker = TestData.UniqueTicker();
        var first = TestData.Change(ticker, toTarget: 18m, senderId: "vendor-456", source: "acme-feed");
        var corrected = TestData.Change(ticker, toTarget: 19m, senderId: "vendor-456", source: "acme-feed");
        await _store.AddAsync([first], CancellationToken.None);
        RatingChange? asked = null;

        await _store.AddAsync([corrected], c => (asked = c).CorrectionOf is null ? DispatchState.Pending : DispatchState.Correction, CancellationToken.None);

        Assert.Equal(first.Id, asked?.CorrectionOf);
        Assert.Equal(DispatchState.Correction, (await _store.GetAsync(ticker, corrected.Id, CancellationToken.None))?.State);
        Assert.DoesNotContain(await _store.GetPendingAsync(ticker, DateTimeOffset.MaxValue, 100, CancellationToken.None), c => c.Id == corrected.Id);
    }

    [Fact]
    public async Task GetBySenderAsync_WithoutTicker_FindsTheRecordsNewestVersionThroughTheSenderIndex()
    {
        var ticker = TestData.UniqueTicker();
        var senderId = "bz-" + Guid.NewGuid().ToString("N");
        var first = TestData.Change(ticker, toTarget: 18m, senderId: senderId, source: "benzinga");
        var corrected = TestData.Change(ticker, toTarget: 17m, senderId: senderId, source: "benzinga");
        await _store.AddAsync([first], CancellationToken.None);
        await _store.AddAsync([corrected], CancellationToken.None);

        var found = await _store.GetBySenderAsync("benzinga", senderId, ticker: null, CancellationToken.None);
        var onTicker = await _store.GetBySenderAsync("benzinga", senderId, ticker, CancellationToken.None);
        var otherSource = await _store.GetBySenderAsync("acme-feed", senderId, ticker: null, CancellationToken.None);

        Assert.Equal((corrected.Id, 17m), (found?.Change.Id, found?.Change.ToTarget));
        Assert.Equal(corrected.Id, onTicker?.Change.Id);
        Assert.Null(otherSource);
    }

    [Fact]
    public async Task AddAsync_AWithdrawal_IsStoredAsTheCorrectionOfTheNewestVersionMarkedWithdrawn()
    {
        var ticker = TestData.UniqueTicker();
        var first = TestData.Change(ticker, toTarget: 18m, senderId: "vendor-789", source: "acme-feed");
        await _store.AddAsync([first], CancellationToken.None);
        var withdrawal = first with { Id = "withdrawn-" + first.Id[..10], Withdrawn = true };

        var results = await _store.AddIdsAsync([withdrawal], CancellationToken.None);

        Assert.Equal(["correction-of:" + first.Id], results);
        var stored = await _store.GetAsync(ticker, withdrawal.Id, CancellationToken.None);
        Assert.True(stored?.Change.Withdrawn);
        Assert.Equal(first.Id, stored?.Change.CorrectionOf);
        Assert.Equal(withdrawal.Id, (await _store.GetBySenderAsync("acme-feed", "vendor-789", ticker, CancellationToken.None))?.Change.Id);
    }

    [Fact]
    public async Task AddAsync_CorrectionPostedAgain_IsADuplicateOfTheCorrection()
    {
        var ticker = TestData.UniqueTicker();
        var first = TestData.Change(ticker, toTarget: 18m, senderId: "vendor-9", source: "acme-feed");
        var corrected = TestData.Change(ticker, toTarget: 19m, senderId: "vendor-9", source: "acme-feed");
        await _store.AddIdsAsync([first], CancellationToken.None);
        await _store.AddIdsAsync([corrected], CancellationToken.None);

        var again = await _store.AddIdsAsync([corrected], CancellationToken.None);
        var third = TestData.Change(ticker, toTarget: 21m, senderId: "vendor-9", source: "acme-feed");
        var thirdResult = await _store.AddIdsAsync([third], CancellationToken.None);

        Assert.Equal([corrected.Id], again);
        Assert.Equal(["correction-of:" + corrected.Id], thirdResult);
        Assert.Equal(3, (await HistoryAsync(ticker)).Count);
    }

    [Fact]
    public async Task AddAsync_RecordFirstSeenAsAnotherSourcesDuplicate_LaterUpdateIsACorrection()
    {
        var ticker = TestData.UniqueTicker();
        var fromA = TestData.Change(ticker, toTarget: 18m, senderId: "a-1", source: "feed-a");
        var fromB = TestData.Change(ticker, toTarget: 18m, senderId: "b-1", source: "feed-b");
        await _store.AddIdsAsync([fromA], CancellationToken.None);
        Assert.Equal([fromA.Id], await _store.AddIdsAsync([fromB], CancellationToken.None));

        var updatedB = TestData.Change(ticker, toTarget: 20m, senderId: "b-1", source: "feed-b");
        var results = await _store.AddIdsAsync([updatedB], CancellationToken.None);

        Assert.Equal(["correction-of:" + fromA.Id], results);
    }

    [Fact]
    public async Task AddAsync_SameSenderIdFromAnotherSource_IsStored()
    {
        var ticker = TestData.UniqueTicker();
        var first = TestData.Change(ticker, toTarget: 18m, senderId: "123", source: "acme-feed");
        var other = TestData.Change(ticker, toTarget: 19m, senderId: "123", source: "other-feed");
        await _store.AddIdsAsync([first], CancellationToken.None);

        var results = await _store.AddIdsAsync([other], CancellationToken.None);

        Assert.Equal([null], results);
        Assert.Equal(2, (await HistoryAsync(ticker)).Count);
    }

    [Fact]
    public async Task AddAsync_BatchOf80WithStoredOnesMixedIn_StoresOnlyNewOnesAndReportsRepeats()
    {
        var ticker = TestData.UniqueTicker();
        var changes = Enumerable.Range(0, 80)
            .Select(i => TestData.Change(
                ticker,
                toTarget: 100m + i,
                publishedAt: TestData.Now.AddMinutes(i),
                senderId: i % 2 == 0 ? $"vendor-{i}" : null))
            .ToList();
        Assert.Equal(80, changes.Select(c => c.Id).Distinct().Count());

        // Stored before: some in the first two transactions (33 each), and the whole third one (66..79).
        int[] storedBefore = [0, 5, 32, 33, 40, 65, .. Enumerable.Range(66, 14)];
        var preResults = await _store.AddIdsAsync(storedBefore.Select(i => changes[i]).ToList(), CancellationToken.None);
        Assert.All(preResults, Assert.Null);

        var results = await _store.AddIdsAsync(changes, CancellationToken.None);

        Assert.Equal(80, results.Count);
        for (var i = 0; i < 80; i++)
        {
            Assert.Equal(storedBefore.Contains(i) ? changes[i].Id : null, results[i]);
        }

        var history = await HistoryAsync(ticker);
        Assert.Equal(80, history.Count);
        Assert.Equal(changes.Select(c => c.Id).Reverse(), history.Select(c => c.Id));
    }

    [Fact]
    public async Task AddAsync_BatchOf80AllWithSenderIds_StoresAllInFullTransactions()
    {
        // Three rows per change (log, content key, sender key): 33 changes make 99 entities, just within the 100 allowed.
        var ticker = TestData.UniqueTicker();
        var changes = Enumerable.Range(0, 80)
            .Select(i => TestData.Change(ticker, toTarget: 100m + i, publishedAt: TestData.Now.AddMinutes(i), senderId: $"vendor-{i}"))
            .ToList();

        var results = await _store.AddIdsAsync(changes, CancellationToken.None);

        Assert.All(results, Assert.Null);
        Assert.Equal(changes.Select(c => c.Id).Reverse(), (await HistoryAsync(ticker)).Select(c => c.Id));
    }

    [Fact]
    public async Task AddAsync_BatchAcrossSeveralTickers_ReportsEachResultAtItsOwnPosition()
    {
        var tickers = Enumerable.Range(0, 3).Select(_ => TestData.UniqueTicker()).ToList();
        var changes = Enumerable.Range(0, 60)
            .Select(i => TestData.Change(tickers[i % 3], toTarget: 100m + i, publishedAt: TestData.Now.AddMinutes(i)))
            .ToList();
        int[] storedBefore = [1, 2, 9, 30, 31, 59];
        await _store.AddIdsAsync(storedBefore.Select(i => changes[i]).ToList(), CancellationToken.None);

        var results = await _store.AddIdsAsync(changes, CancellationToken.None);

        for (var i = 0; i < changes.Count; i++)
        {
            Assert.Equal(storedBefore.Contains(i) ? changes[i].Id : null, results[i]);
        }

        foreach (var ticker in tickers)
        {
            Assert.Equal(
                changes.Where(c => c.Ticker == ticker).Select(c => c.Id).Reverse(),
                (await HistoryAsync(ticker)).Select(c => c.Id));
        }
    }

    [Fact]
    public async Task AddAsync_BatchOfCorrectionsInterleavedWithNews_StoresBothAndReportsWhatEachCorrects()
    {
        var ticker = TestData.UniqueTicker();
        var stored = Enumerable.Range(0, 40).Select(i => TestData.Change(ticker, toTarget: 100m + i, senderId: $"v-{i}")).ToList();
        await _store.AddIdsAsync(stored, CancellationToken.None);

        // Same sender ids, different content (corrections), interleaved with new changes.
        var batch = Enumerable.Range(0, 40)
            .SelectMany(i => new[]
            {
                TestData.Change(ticker, toTarget: 500m + i, senderId: $"v-{i}"),
                TestData.Change(ticker, toTarget: 900m + i, senderId: $"new-{i}"),
            })
            .ToList();

        var results = await _store.AddIdsAsync(batch, CancellationToken.None);

        for (var i = 0; i < 40; i++)
        {
            Assert.Equal("correction-of:" + stored[i].Id, results[2 * i]);
            Assert.Null(results[(2 * i) + 1]);
        }

        Assert.Equal(120, (await HistoryAsync(ticker)).Count);
    }

    [Fact]
    public async Task AddAsync_SameChangeTwiceConcurrently_StoresItOnce()
    {
        // Two requests (each with its own clients) race on the same change, several rounds.
        var other = NewStore(azurite);
        for (var round = 0; round < 8; round++)
        {
            var ticker = TestData.UniqueTicker();
            var change = TestData.Change(ticker, senderId: $"race-{round}");

            var results = await Task.WhenAll(
                _store.AddIdsAsync([change], CancellationToken.None),
                other.AddIdsAsync([change], CancellationToken.None));

            var outcomes = results.Select(r => Assert.Single(r)).ToList();
            Assert.Single(outcomes, o => o is null);
            Assert.Single(outcomes, o => o == change.Id);
            Assert.Equal(change.Id, Assert.Single(await HistoryAsync(ticker)).Id);
        }
    }

    [Fact]
    public async Task AddAsync_SameBatchTwiceConcurrently_StoresEachChangeOnce()
    {
        var other = NewStore(azurite);
        var ticker = TestData.UniqueTicker();
        var changes = Enumerable.Range(0, 50).Select(i => TestData.Change(ticker, toTarget: 100m + i)).ToList();

        var results = await Task.WhenAll(
            _store.AddIdsAsync(changes, CancellationToken.None),
            other.AddIdsAsync(changes, CancellationToken.None));

        for (var i = 0; i < changes.Count; i++)
        {
            var outcomes = new[] { results[0][i], results[1][i] };
            Assert.Single(outcomes, o => o is null);
            Assert.Single(outcomes, o => o == changes[i].Id);
        }

        Assert.Equal(50, (await HistoryAsync(ticker)).Count);
    }

    [Fact]
    public async Task GetHistoryAsync_SeveralChanges_ReturnsNewestFirstHonouringSinceAndLimit()
    {
        var ticker = TestData.UniqueTicker();
        var otherTicker = TestData.UniqueTicker();
        var t = Enumerable.Range(0, 5).Select(i => TestData.Now.AddDays(-4 + i).AddMinutes(i * 7)).ToArray();
        var changes = t.Select((at, i) => TestData.Change(ticker, toTarget: 20m + i, publishedAt: at)).ToList();

        // Stored out of order, in separate calls, plus a change on another ticker.
        await _store.AddIdsAsync([changes[2], changes[0]], CancellationToken.None);
        await _store.AddIdsAsync([changes[4], changes[1], changes[3]], CancellationToken.None);
        var other = TestData.Change(otherTicker, publishedAt: TestData.Now.AddDays(1));
        await _store.AddIdsAsync([other], CancellationToken.None);

        var all = await HistoryAsync(ticker);
        Assert.Equal([changes[4].Id, changes[3].Id, changes[2].Id, changes[1].Id, changes[0].Id], all.Select(c => c.Id));
        Assert.All(all, c => Assert.Equal(ticker, c.Ticker));

        var sinceT2 = await HistoryAsync(ticker, since: t[2]);
        Assert.Equal([changes[4].Id, changes[3].Id, changes[2].Id], sinceT2.Select(c => c.Id));

        var sinceJustAfterT2 = await HistoryAsync(ticker, since: t[2].AddTicks(1));
        Assert.Equal([changes[4].Id, changes[3].Id], sinceJustAfterT2.Select(c => c.Id));

        var newestTwo = await HistoryAsync(ticker, limit: 2);
        Assert.Equal([changes[4].Id, changes[3].Id], newestTwo.Select(c => c.Id));

        var sinceT1Limit2 = await HistoryAsync(ticker, since: t[1], limit: 2);
        Assert.Equal([changes[4].Id, changes[3].Id], sinceT1Limit2.Select(c => c.Id));

        var limitOne = await HistoryAsync(ticker, limit: 1);
        Assert.Equal(changes[4].Id, Assert.Single(limitOne).Id);

        Assert.Empty(await HistoryAsync(ticker, since: t[4].AddSeconds(1)));
        Assert.Equal(other.Id, Assert.Single(await HistoryAsync(otherTicker)).Id);
        Assert.Empty(await HistoryAsync(TestData.UniqueTicker()));
    }

    [Fact]
    public async Task GetHistoryAsync_MoreChangesThanOnePage_ReturnsAllUpToLimit()
    {
        var ticker = TestData.UniqueTicker();
        var changes = Enumerable.Range(0, 120).Select(i => TestData.Change(ticker, toTarget: 1000m + i, publishedAt: TestData.Now.AddSeconds(i))).ToList();
        await _store.AddIdsAsync(changes, CancellationToken.None);

        var hundred = await HistoryAsync(ticker, limit: 100);
        var all = await HistoryAsync(ticker, limit: 1000);

        Assert.Equal(changes.Select(c => c.Id).Reverse().Take(100), hundred.Select(c => c.Id));
        Assert.Equal(120, all.Count);
    }

    [Theory]
    [InlineData("12.34", "1200")]
    [InlineData("1200", "12.34")]
    [InlineData("0.05", "1234.5678")]
    [InlineData("18.00", "18.10")]
    public async Task GetHistoryAsync_DecimalTargets_RoundTripExactly(string from, string to)
    {
        var ticker = TestData.UniqueTicker();
        var fromTarget = decimal.Parse(from, CultureInfo.InvariantCulture);
        var toTarget = decimal.Parse(to, CultureInfo.InvariantCulture);
        var change = TestData.Change(ticker, fromTarget: fromTarget, toTarget: toTarget);
        Assert.NotNull(change.TargetChangePct);
        await _store.AddIdsAsync([change], CancellationToken.None);

        var read = Assert.Single(await HistoryAsync(ticker));

        Assert.Equal(from, read.FromTarget?.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(to, read.ToTarget?.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(
            change.TargetChangePct?.ToString(CultureInfo.InvariantCulture),
            read.TargetChangePct?.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task GetHistoryAsync_StoredChange_RoundTripsEveryField()
    {
        var ticker = TestData.UniqueTicker();
        var full = TestData.Change(ticker, senderId: "vendor-9", publishedAt: TestData.Now.AddHours(-1));
        var sparse = TestData.Normalizer.Normalize(
            new RatingChangeSubmission { Ticker = ticker, Firm = "Goldman Sachs", ToRating = "Buy", PublishedAt = TestData.Now.AddHours(-2) },
            TestData.Now);
        Assert.Equal(RatingAction.Upgrade, full.Action);
        await _store.AddIdsAsync([full, sparse], CancellationToken.None);

        var history = await HistoryAsync(ticker);

        Assert.Equal([full, sparse], history);
    }

    [Fact]
    public async Task GetHistoryAsync_DateOnlyChange_RoundTripsItsDateAndSortsAtTheNewYorkClose()
    {
        var ticker = TestData.UniqueTicker();
        var dated = TestData.Normalizer.Normalize(
            new RatingChangeSubmission { Ticker = ticker, Firm = "JP Morgan", FromRating = "Neutral", ToRating = "Overweight", PublishedDate = new DateOnly(2019, 8, 20) },
            TestData.Now);
        var morning = TestData.Normalizer.Normalize(
            new RatingChangeSubmission { Ticker = ticker, Firm = "Barclays", ToRating = "Buy", PublishedAt = new DateTimeOffset(2019, 8, 20, 13, 0, 0, TimeSpan.Zero) },
            TestData.Now);
        await _store.AddIdsAsync([morning, dated], CancellationToken.None);

        var history = await HistoryAsync(ticker);

        Assert.Equal([dated, morning], history); // the date sorts after the day's timed change
        Assert.Equal(new DateOnly(2019, 8, 20), history[0].PublishedDate);
        Assert.Equal("2019-08-20", (await RawTable().GetEntityAsync<TableEntity>(ticker, TableRatingChangeStore.LogRowKey(dated))).Value.GetString("PublishedDate"));
    }

    [Fact]
    public async Task GetHistoryAsync_RowWrittenBeforeDatesWereKept_ReadsAsAnInstant()
    {
        var ticker = TestData.UniqueTicker();
        var change = TestData.Change(ticker, publishedAt: TestData.Now.AddHours(-1));
        await _store.AddIdsAsync([change], CancellationToken.None);

        // A row as written before this column existed.
        var table = RawTable();
        var row = (await table.GetEntityAsync<TableEntity>(ticker, TableRatingChangeStore.LogRowKey(change))).Value;
        row.Remove("PublishedDate");
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace);

        var read = Assert.Single(await HistoryAsync(ticker));
        Assert.Null(read.PublishedDate);
        Assert.Equal(change, read);
    }

    [Fact]
    public async Task MarkAsync_DispatchedAndTooOld_SetsDispatchStateOnTheLogRow()
    {
        var ticker = TestData.UniqueTicker();
        var dispatched = TestData.Change(ticker, toTarget: 18m);
        var tooOld = TestData.Change(ticker, toTarget: 19m, publishedAt: TestData.Now.AddDays(-10));
        await _store.AddIdsAsync([dispatched, tooOld], CancellationToken.None);
        var table = RawTable();
        Assert.Equal("Pending", (await table.GetEntityAsync<TableEntity>(ticker, TableRatingChangeStore.LogRowKey(dispatched))).Value.GetString("DispatchState"));

        await _store.MarkAsync(dispatched, DispatchState.Dispatched, CancellationToken.None);
        await _store.MarkAsync(tooOld, DispatchState.TooOld, CancellationToken.None);

        var dispatchedRow = (await table.GetEntityAsync<TableEntity>(ticker, TableRatingChangeStore.LogRowKey(dispatched))).Value;
        var tooOldRow = (await table.GetEntityAsync<TableEntity>(ticker, TableRatingChangeStore.LogRowKey(tooOld))).Value;
        Assert.Equal("Dispatched", dispatchedRow.GetString("DispatchState"));
        Assert.Equal("TooOld", tooOldRow.GetString("DispatchState"));
        Assert.Empty(await PendingRowsAsync(ticker));

        // A merge: the rest of the row is untouched, and the change still reads back whole.
        Assert.Equal("JPMorgan", dispatchedRow.GetString("Firm"));
        Assert.Equal(dispatched.Id, dispatchedRow.GetString("ChangeId"));
        Assert.Equal([dispatched, tooOld], await HistoryAsync(ticker));
    }

    [Fact]
    public async Task FindExistingAsync_MixOfStoredAndNew_ReportsWithoutStoring()
    {
        var ticker = TestData.UniqueTicker();
        var stored = TestData.Change(ticker, toTarget: 18m, senderId: "vendor-1");
        await _store.AddIdsAsync([stored], CancellationToken.None);
        var fresh = TestData.Change(ticker, toTarget: 25m);
        var sameSender = TestData.Change(ticker, toTarget: 30m, senderId: "vendor-1");

        var found = await _store.FindExistingIdsAsync([stored, fresh, sameSender], CancellationToken.None);

        Assert.Equal([stored.Id, null, "correction-of:" + stored.Id], found);
        Assert.Equal(stored.Id, Assert.Single(await HistoryAsync(ticker)).Id);
        Assert.Equal([null], await _store.AddIdsAsync([fresh], CancellationToken.None));
    }

    [Fact]
    public async Task FindExistingAsync_NothingStored_ReturnsNullsAndCreatesNoRows()
    {
        var ticker = TestData.UniqueTicker();
        var change = TestData.Change(ticker, senderId: "vendor-2");

        var found = await _store.FindExistingIdsAsync([change], CancellationToken.None);

        Assert.Equal([null], found);
        var rows = new List<TableEntity>();
        await foreach (var row in RawTable().QueryAsync<TableEntity>(e => e.PartitionKey == ticker))
        {
            rows.Add(row);
        }

        Assert.Empty(rows);
    }

    [Fact]
    public async Task AddAsync_PendingChange_IsWrittenWithItsPendingRow_OthersWithout()
    {
        var ticker = TestData.UniqueTicker();
        var pending = TestData.Change(ticker, toTarget: 18m);
        var unfollowed = TestData.Change(ticker, toTarget: 19m);
        var tooOld = TestData.Change(ticker, toTarget: 20m, publishedAt: TestData.Now.AddDays(-10));
        var states = new Dictionary<string, DispatchState> { [pending.Id] = DispatchState.Pending, [unfollowed.Id] = DispatchState.Dispatched, [tooOld.Id] = DispatchState.TooOld };

        await _store.AddAsync([pending, unfollowed, tooOld], c => states[c.Id], CancellationToken.None);

        var table = RawTable();
        foreach (var change in new[] { pending, unfollowed, tooOld })
        {
            Assert.Equal(states[change.Id].ToString(), (await table.GetEntityAsync<TableEntity>(ticker, TableRatingChangeStore.LogRowKey(change))).Value.GetString("DispatchState"));
        }

        Assert.Equal([pending.Id], (await PendingRowsAsync(ticker)).Select(r => r.GetString("ChangeId")));
        Assert.Equal([pending.Id], (await _store.GetPendingAsync(ticker, TestData.Now.AddYears(10), 100, CancellationToken.None)).Select(c => c.Id));
        Assert.Equal(3, (await HistoryAsync(ticker)).Count);
    }

    [Fact]
    public async Task GetPendingAsync_OnlyChangesReceivedBeforeTheCutOff_OldestFirst()
    {
        var ticker = TestData.UniqueTicker();
        var at = TestData.Now;
        var older = TestData.Change(ticker, toTarget: 18m, receivedAt: at.AddMinutes(-3));
        var old = TestData.Change(ticker, toTarget: 19m, receivedAt: at.AddMinutes(-2));
        var young = TestData.Change(ticker, toTarget: 20m, receivedAt: at);
        await _store.AddAsync([young, old, older], CancellationToken.None);

        var due = await _store.GetPendingAsync(ticker, at.AddMinutes(-1), 100, CancellationToken.None);

        Assert.Equal([older, old], due);
    }

    [Fact]
    public async Task MarkAsync_SeveralChanges_MarksEachAndRemovesTheirPendingRows_EvenWhenOneIsGoneAlready()
    {
        var ticker = TestData.UniqueTicker();
        var changes = Enumerable.Range(0, 60).Select(i => TestData.Change(ticker, toTarget: 18m + i)).ToList();
        await _store.AddAsync(changes, CancellationToken.None);
        var table = RawTable();
        await table.DeleteEntityAsync(ticker, StorageNames.PendingRowPrefix + changes[7].Id);

        await _store.MarkAsync(changes.Select(c => new DispatchMark(c, DispatchState.Dispatched)).ToList(), CancellationToken.None);

        Assert.Empty(await PendingRowsAsync(ticker));
        foreach (var change in changes)
        {
            Assert.Equal(DispatchState.Dispatched, (await _store.GetAsync(ticker, change.Id, CancellationToken.None))?.State);
        }
    }

    private async Task<List<TableEntity>> PendingRowsAsync(string ticker)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in RawTable().QueryAsync<TableEntity>(e => e.PartitionKey == ticker && e.RowKey.CompareTo(StorageNames.PendingRowPrefix) >= 0 && e.RowKey.CompareTo(StorageNames.PendingRowPrefix + "~") < 0))
        {
            rows.Add(row);
        }

        return rows;
    }
}
