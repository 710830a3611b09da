using System.Collections.Concurrent;
using Alerts.Core.Matching;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The ticker partitions of the subscriber index last read, kept for a few seconds, so that a burst of changes on one
/// ticker reads its partition once, not once per change. Every index write in this process invalidates the tickers it
/// touched at once (so a test, or a single runner, sees a subscription the moment it is confirmed or deleted); another
/// instance's write is seen within <see cref="DeliveryOptions.IndexCacheSeconds"/> at most (unsubscribe requests must be
/// honoured within two days under the bulk-sender rules; here it is seconds). Bounded: a ticker with more rows than
/// <see cref="MaxRowsPerTicker"/> is never kept (it is read page by page each time), and at most <see cref="MaxRows"/>
/// rows are kept in all. A ticker is kept as the <see cref="SubscriberPage"/>s it was read in, ready to match; or, when
/// only asked whether anyone follows it (before a post's answer) and someone does, as when that was read (nobody is kept
/// as no rows).
/// </summary>
internal sealed class SubscriberIndexCache(TimeProvider time, TimeSpan lifetime)
{
    public const int MaxRowsPerTicker = 10_000;
    public const int MaxRows = 200_000;

    /// <summary>The most tickers kept as followed apart from their rows.</summary>
    public const int MaxAnswers = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    /// <summary>Tickers read to be followed (one row, not their rows), with the timestamp taken before that read.</summary>
    private readonly ConcurrentDictionary<string, long> _followedAt = new(StringComparer.Ordinal);
    private long _generation;
    private int _rows;

    public bool Enabled => lifetime > TimeSpan.Zero;

    /// <summary>The cached pages of <paramref name="ticker"/>, when fresh.</summary>
    public SubscriberPage[]? Get(string ticker) =>
        Enabled && _entries.TryGetValue(ticker, out var entry) && time.GetElapsedTime(entry.LoadedAt) < lifetime ? entry.Pages : null;

    /// <summary>Whether anyone follows <paramref name="ticker"/>, when known and fresh (from its kept rows, or a kept answer).</summary>
    public bool? HasFollowers(string ticker)
    {
        if (Get(ticker) is { } pages)
        {
            return pages.Any(page => page.Count > 0);
        }

        return Enabled && _followedAt.TryGetValue(ticker, out var loadedAt) && time.GetElapsedTime(loadedAt) < lifetime ? true : null;
    }

    /// <summary>Keeps that someone follows <paramref name="ticker"/>, read without its rows; like <see cref="TryAdd"/>, not if a write raced the read.</summary>
    public void TryAddFollowed(string ticker, long generationBeforeRead, long loadedAt)
    {
        if (!Enabled)
        {
            return;
        }

        if (_followedAt.Count >= MaxAnswers)
        {
            foreach (var (key, at) in _followedAt)
            {
                if (time.GetElapsedTime(at) >= lifetime)
                {
                    _followedAt.TryRemove(key, out _);
                }
            }

            if (_followedAt.Count >= MaxAnswers)
            {
                return;
            }
        }

        _followedAt[ticker] = loadedAt;
        if (Generation != generationBeforeRead)
        {
            _followedAt.TryRemove(ticker, out _);
        }
    }

    /// <summary>Taken before reading a partition; <see cref="TryAdd"/> keeps the rows only if no write happened meanwhile.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The timestamp to pass to <see cref="TryAdd"/>, taken before the read.</summary>
    public long Timestamp() => time.GetTimestamp();

    public void TryAdd(string ticker, SubscriberPage[] pages, long generationBeforeRead, long loadedAt)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var rows = pages.Sum(p => p.Count);
        if (!Enabled || rows > MaxRowsPerTicker)
        {
            return;
        }

        if (Volatile.Read(ref _rows) + rows > MaxRows)
        {
            foreach (var (key, stale) in _entries)
            {
                if (time.GetElapsedTime(stale.LoadedAt) >= lifetime && _entries.TryRemove(key, out _))
                {
                    Interlocked.Add(ref _rows, -stale.Rows);
                }
            }

            if (Volatile.Read(ref _rows) + rows > MaxRows)
            {
                return;
            }
        }

        var entry = new Entry(pages, rows, loadedAt);
        _entries.AddOrUpdate(ticker, entry, (_, previous) =>
        {
            Interlocked.Add(ref _rows, -previous.Rows);
            return entry;
        });
        Interlocked.Add(ref _rows, rows);

        // A write that raced with the read may have invalidated before this add: then the rows may be stale, drop them.
        // Dropping them is not a write: the generation stays, or every read in flight meanwhile would drop its rows too,
        // and under steady load the reads would go on dropping each other's (the cache kept nothing).
        if (Generation != generationBeforeRead)
        {
            Remove(ticker);
        }
    }

    /// <summary>After a write to these tickers' index rows: their kept rows are dropped, and reads in flight keep nothing.</summary>
    public void Invalidate(IEnumerable<string> tickers)
    {
        Interlocked.Increment(ref _generation);
        foreach (var ticker in tickers)
        {
            Remove(ticker);
        }
    }

    private void Remove(string ticker)
    {
        _followedAt.TryRemove(ticker, out _);
        if (_entries.TryRemove(ticker, out var removed))
        {
            Interlocked.Add(ref _rows, -removed.Rows);
        }
    }

    private sealed record Entry(SubscriberPage[] Pages, int Rows, long LoadedAt);
}
