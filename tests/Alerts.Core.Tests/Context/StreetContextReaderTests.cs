using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Context;

public class StreetContextReaderTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now);
    private readonly InMemoryRatingHistory _store = new();

    private StreetContextReader Reader() => new(_store, _time, NullLogger<StreetContextReader>.Instance);

    private static RatingChange Earlier(string firm, int daysAgo, string id) =>
        TestChanges.CifrUpgrade() with { Id = id, Firm = firm, PublishedAt = TestChanges.Now.AddDays(-daysAgo), Action = RatingAction.Reiterate };

    [Fact]
    public async Task GetAsync_StoredHistory_IsTheContextOfTheWindow()
    {
        _store.Add(Earlier("UBS", 3, "a"), Earlier("Citi", 89, "b"), Earlier("Barclays", 91, "c"), Earlier("JPMorgan", -1, "later"));

        var context = await Reader().GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.NotNull(context);
        Assert.Equal(["a", "b"], context.Recent.Select(r => r.Id));
        Assert.False(context.Truncated);
    }

    [Fact]
    public async Task GetAsync_ManyMessagesOfOneChange_ReadHistoryOnce()
    {
        var reader = Reader();
        var gate = new TaskCompletionSource();
        _store.Gate = gate;

        var concurrent = Enumerable.Range(0, 5).Select(_ => reader.GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None)).ToList();
        gate.SetResult();
        var contexts = await Task.WhenAll(concurrent);
        var later = await reader.GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(1, _store.WindowReads);
        Assert.All(contexts, c => Assert.Same(contexts[0], c));
        Assert.Same(contexts[0], later);
    }

    [Fact]
    public async Task GetAsync_AfterItIsKept_ReadsAgain()
    {
        var reader = Reader();
        await reader.GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        _time.Advance(StreetContextReader.KeepFor + TimeSpan.FromSeconds(1));
        await reader.GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(2, _store.WindowReads);
    }

    [Fact]
    public async Task GetAsync_ManyChanges_KeepsOnlyTheLatestCacheSize()
    {
        var reader = Reader();
        for (var i = 0; i <= StreetContextReader.CacheSize; i++)
        {
            await reader.GetAsync(TestChanges.CifrUpgrade() with { Id = $"change-{i}", Ticker = $"T{i}" }, CancellationToken.None);
        }

        await reader.GetAsync(TestChanges.CifrUpgrade() with { Id = $"change-{StreetContextReader.CacheSize}", Ticker = $"T{StreetContextReader.CacheSize}" }, CancellationToken.None);
        Assert.Equal(StreetContextReader.CacheSize + 1, _store.WindowReads);
        _time.Advance(StreetContextReader.TickerRowsKeepFor); // the ticker's rows no longer serve it: only the change cache could
        await reader.GetAsync(TestChanges.CifrUpgrade() with { Id = "change-0", Ticker = "T0" }, CancellationToken.None);
        Assert.Equal(StreetContextReader.CacheSize + 2, _store.WindowReads);
    }

    [Fact]
    public async Task GetAsync_ChangesOfABusyTickerArrivingTogether_ReadItsHistoryOnce_AndStayInTheirOwnWindows()
    {
        var reader = Reader();
        var first = TestChanges.CifrUpgrade() with { Id = "first", PublishedAt = _time.GetUtcNow().AddMinutes(-2) };
        var second = TestChanges.CifrUpgrade() with { Id = "second", Firm = "Citi", PublishedAt = _time.GetUtcNow().AddMinutes(-1) };
        _store.Add(first);
        _store.Add(second);

        var ofFirst = await reader.GetAsync(first, CancellationToken.None);
        var ofSecond = await reader.GetAsync(second, CancellationToken.None);

        Assert.Equal(1, _store.WindowReads);
        Assert.DoesNotContain(ofFirst!.Recent, r => r.Id == "second"); // published after the first: not its context
        Assert.Contains(ofSecond!.Recent, r => r.Id == "first");

        _time.Advance(StreetContextReader.TickerRowsKeepFor);
        await reader.GetAsync(TestChanges.CifrUpgrade() with { Id = "third" }, CancellationToken.None);
        Assert.Equal(2, _store.WindowReads);
    }

    [Fact]
    public async Task GetAsync_ChangesOfATickerArrivingWhileItsHistoryIsRead_WaitForThatRead()
    {
        // Five changes of one ticker asked for together (a batch of messages), the history read slow: one read serves
        // them all, each in its own window.
        var reader = Reader();
        _store.Add(Earlier("UBS", 3, "a"));
        var gate = new TaskCompletionSource();
        _store.Gate = gate;
        var changes = Enumerable.Range(0, 5)
            .Select(i => TestChanges.CifrUpgrade() with { Id = $"c{i}", PublishedAt = _time.GetUtcNow().AddSeconds(-5 + i) })
            .ToList();
        foreach (var change in changes)
        {
            _store.Add(change);
        }

        var asked = changes.Select(change => reader.GetAsync(change, CancellationToken.None)).ToList();
        gate.SetResult();
        var contexts = await Task.WhenAll(asked).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, _store.WindowReads);
        for (var i = 0; i < changes.Count; i++)
        {
            Assert.Contains(contexts[i]!.Recent, r => r.Id == "a");
            Assert.DoesNotContain(contexts[i]!.Recent, r => r.Id == $"c{i + 1}"); // published after it: not its context
        }
    }

    [Fact]
    public async Task GetAsync_AnOlderChangeWhileANewerOnesHistoryIsRead_ReadsItsOwnWindow()
    {
        var reader = Reader();
        _store.Add(Earlier("Citi", 95, "old"));
        var gate = new TaskCompletionSource();
        _store.Gate = gate;
        var newer = reader.GetAsync(TestChanges.CifrUpgrade() with { Id = "newer" }, CancellationToken.None);
        var older = reader.GetAsync(TestChanges.CifrUpgrade() with { Id = "older", PublishedAt = TestChanges.Now.AddDays(-10) }, CancellationToken.None);
        gate.SetResult();

        Assert.DoesNotContain((await newer.WaitAsync(TimeSpan.FromSeconds(30)))!.Recent, r => r.Id == "old");
        Assert.Contains((await older.WaitAsync(TimeSpan.FromSeconds(30)))!.Recent, r => r.Id == "old");
        Assert.Equal(2, _store.WindowReads);
    }

    [Fact]
    public async Task GetAsync_ALiveStreamOfChanges_ReadsItsTickersHistoryOncePerKeepTime()
    {
        var reader = Reader();
        var first = TestChanges.CifrUpgrade() with { Id = "first", PublishedAt = _time.GetUtcNow() };
        _store.Add(Earlier("UBS", 3, "a"));
        _store.Add(first);
        await reader.GetAsync(first, CancellationToken.None);

        // Published after the read, as each next change of a stream is: served by the rows read for the first.
        _time.Advance(TimeSpan.FromSeconds(4));
        var second = TestChanges.CifrUpgrade() with { Id = "second", Firm = "Citi", PublishedAt = _time.GetUtcNow() };
        _store.Add(second);
        var ofSecond = await reader.GetAsync(second, CancellationToken.None);

        Assert.Equal(1, _store.WindowReads);
        Assert.Contains(ofSecond!.Recent, r => r.Id == "a");
        Assert.Contains(ofSecond.Recent, r => r.Id == "first");

        _time.Advance(StreetContextReader.TickerRowsKeepFor);
        await reader.GetAsync(TestChanges.CifrUpgrade() with { Id = "third", PublishedAt = _time.GetUtcNow() }, CancellationToken.None);
        Assert.Equal(2, _store.WindowReads);
    }

    [Fact]
    public async Task GetAsync_HistoryUnreadable_AnswersNullAndTriesAgainNextTime()
    {
        var reader = Reader();
        _store.Add(Earlier("UBS", 3, "a"));
        _store.Failure = new IOException("storage is down");

        var failed = await reader.GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);
        _store.Failure = null;
        var recovered = await reader.GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Null(failed);
        Assert.NotNull(recovered);
        Assert.Single(recovered.Recent);
        Assert.Equal(2, _store.WindowReads);
    }

    [Fact]
    public async Task GetAsync_BusyTicker_ReadsAtMostMaxRowsAndSaysSo()
    {
        for (var i = 0; i < StreetContextReader.MaxRows + 5; i++)
        {
            _store.Add(Earlier($"Firm {i % 40}", 0, $"row-{i:D4}") with { PublishedAt = TestChanges.Now.AddMinutes(-i - 1), ToTarget = 10m + i });
        }

        var context = await Reader().GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.True(context!.Truncated);
        Assert.Equal("row-0000", context.Recent[0].Id);
    }

    [Fact]
    public async Task GetAsync_CallerCancelled_Throws()
    {
        _store.Gate = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();

        var pending = Reader().GetAsync(TestChanges.CifrUpgrade(), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }
}
