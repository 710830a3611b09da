using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Context;

/// <summary>
/// Reads a change's <see cref="StreetContext"/>: one range query over the ticker's history (the
/// <see cref="StreetContextCalculator.Window"/> up to the change, at most <see cref="MaxRows"/> rows), then the pure
/// <see cref="StreetContextCalculator"/>. The dispatcher handles the many messages of one change together, so contexts
/// are kept by change id in a small bounded cache for <see cref="KeepFor"/>, and concurrent asks for one change share
/// one read; a ticker's rows, once read (or while being read), also serve its other changes whose window they cover, for
/// <see cref="TickerRowsKeepFor"/>. A digest asks once per ticker, with the ticker's newest change.
/// </summary>
/// <remarks>
/// When history cannot be read, <see cref="GetAsync"/> logs it and answers null: the alert goes out at once without the
/// context rather than waiting for it (the context is background; the change is the news, and "within seconds" is the
/// promise). A failed read is not kept, so the next message of the change tries again.
/// </remarks>
public sealed partial class StreetContextReader(IRatingChangeStore store, TimeProvider time, ILogger<StreetContextReader> logger)
{
    /// <summary>The most history rows one context reads (the newest); a busier window is marked <see cref="StreetContext.Truncated"/>.</summary>
    public const int MaxRows = 500;

    /// <summary>How many changes' contexts are kept.</summary>
    public const int CacheSize = 256;

    /// <summary>How long a context is kept: long enough for every message of a change and their retries.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a ticker's history rows, once read, serve the contexts of its other changes (a busy ticker, changes
    /// arriving together): a change stored meanwhile shows in contexts at most this much later.
    /// </summary>
    public static readonly TimeSpan TickerRowsKeepFor = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, TickerRows> _recent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TickerRead> _reading = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>The context of <paramref name="change"/>, or null when its history could not be read (logged).</summary>
    public async Task<StreetContext?> GetAsync(RatingChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var entry = EntryFor(change);
        try
        {
            return await entry.Context.Value.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Forget(change.Id, entry);
            LogUnavailable(change.Ticker, change.Id, ex.Message);
            return null;
        }
    }

    private Entry EntryFor(RatingChange change)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_cache.TryGetValue(change.Id, out var cached) && cached.Expires > now)
            {
                return cached;
            }

            // The read is shared, so no one caller's cancellation ends it: each caller stops waiting on its own token.
            var entry = new Entry(new Lazy<Task<StreetContext>>(() => ReadAsync(change)), now + KeepFor);
            if (cached is null)
            {
                _order.Enqueue(change.Id);
            }

            _cache[change.Id] = entry;
            while (_cache.Count > CacheSize && _order.TryDequeue(out var oldest))
            {
                _cache.Remove(oldest);
            }

            return entry;
        }
    }

    private void Forget(string changeId, Entry entry)
    {
        lock (_lock)
        {
            if (_cache.TryGetValue(changeId, out var cached) && ReferenceEquals(cached, entry))
            {
                // Expired rather than removed, so that the key stays queued once for eviction.
                _cache[changeId] = entry with { Expires = DateTimeOffset.MinValue };
            }
        }
    }

    private async Task<StreetContext> ReadAsync(RatingChange change)
    {
        // The ticker's history read a moment ago (or being read now) covers this change's window: no second query for a
        // busy ticker, whose changes arrive together.
        var from = change.PublishedAt - StreetContextCalculator.Window;
        var rows = RecentRows(change) ?? await TickerRowsAsync(change, from);
        var window = rows.Rows.Where(r => r.PublishedAt >= from && r.PublishedAt <= change.PublishedAt).ToList();
        return StreetContextCalculator.Calculate(change, window, truncated: rows.Truncated);
    }

    /// <summary>
    /// The ticker's rows from <paramref name="from"/> on: the read under way for the ticker when its window starts no
    /// later (one read for the changes of a ticker that arrive together), else a read of its own.
    /// </summary>
    private async Task<TickerRows> TickerRowsAsync(RatingChange change, DateTimeOffset from)
    {
        Task<TickerRows> read;
        lock (_lock)
        {
            if (_reading.TryGetValue(change.Ticker, out var underWay) && underWay.From <= from)
            {
                read = underWay.Rows;
            }
            else
            {
                // Read up to now (not only up to the change), so that the ticker's next changes are covered too.
                var now = time.GetUtcNow();
                read = ReadTickerAsync(change.Ticker, from, change.PublishedAt > now ? change.PublishedAt : now);
                _reading[change.Ticker] = new TickerRead(read, from);
            }
        }

        try
        {
            return await read;
        }
        finally
        {
            lock (_lock)
            {
                if (_reading.TryGetValue(change.Ticker, out var underWay) && underWay.Rows == read)
                {
                    _reading.Remove(change.Ticker);
                }
            }
        }
    }

    private async Task<TickerRows> ReadTickerAsync(string ticker, DateTimeOffset from, DateTimeOffset until)
    {
        await Task.Yield();
        var readAt = time.GetUtcNow();
        var history = await store.GetWindowAsync(ticker, from, until, MaxRows, CancellationToken.None);
        var rows = new TickerRows(history, from, until, Truncated: history.Count >= MaxRows, readAt + TickerRowsKeepFor);
        lock (_lock)
        {
            _recent[ticker] = rows;
            if (_recent.Count > CacheSize)
            {
                foreach (var stale in _recent.Where(r => r.Value.Expires <= time.GetUtcNow()).Select(r => r.Key).ToList())
                {
                    _recent.Remove(stale);
                }
            }
        }

        return rows;
    }

    /// <summary>
    /// The rows last read for the change's ticker, when still fresh and their window starts no later than 90 days before
    /// the change. A change published after that read (the next change of a live stream) is served too: what was stored
    /// since, at most <see cref="TickerRowsKeepFor"/> of it, is missing from its context, as documented.
    /// </summary>
    private TickerRows? RecentRows(RatingChange change)
    {
        lock (_lock)
        {
            return _recent.TryGetValue(change.Ticker, out var rows)
                && rows.Expires > time.GetUtcNow()
                && rows.From <= change.PublishedAt - StreetContextCalculator.Window
                    ? rows
                    : null;
        }
    }

    private sealed record Entry(Lazy<Task<StreetContext>> Context, DateTimeOffset Expires);

    private sealed record TickerRead(Task<TickerRows> Rows, DateTimeOffset From);

    private sealed record TickerRows(IReadOnlyList<RatingChange> Rows, DateTimeOffset From, DateTimeOffset Until, bool Truncated, DateTimeOffset Expires);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History of {Ticker} unreadable for change {ChangeId} ({Reason}); its alerts go out without the street's context")]
    private partial void LogUnavailable(string ticker, string changeId, string reason);
}
