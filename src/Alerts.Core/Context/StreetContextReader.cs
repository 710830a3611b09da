using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Context;

/// <summary>
/// Reads a change's <see cref="StreetContext"/>: one range query over the ticker's history (the
/// <see cref="NotableCalls.Lookback"/> up to the change, at most <see cref="MaxRows"/> rows, the newest), then the pure
/// <see cref="StreetContextCalculator"/> over its <see cref="StreetContextCalculator.Window"/> and <see cref="NotableCalls"/>. The dispatcher handles the many messages of one change together, so contexts
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

    /// <summary>The last read of each ticker's history: under way, done, or failed (then removed by its first reader).</summary>
    private readonly Dictionary<string, TickerRead> _tickers = new(StringComparer.Ordinal);
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
        // The ticker's history read a moment ago, or being read now, covers this change's window: no second query for a
        // busy ticker, whose changes arrive together.
        // One read serves both: the street's window, and the longer look back for the firm's last call (NotableCalls).
        var from = change.PublishedAt - StreetContextCalculator.Window;
        var lookFrom = change.PublishedAt - NotableCalls.Lookback;
        Task<TickerRows> read;
        lock (_lock)
        {
            read = CoveringRead(change.Ticker, lookFrom) ?? StartRead(change, lookFrom);
        }

        TickerRows rows;
        try
        {
            rows = await read;
        }
        catch
        {
            lock (_lock)
            {
                // A failed read serves nobody: the next change of the ticker reads again.
                if (_tickers.TryGetValue(change.Ticker, out var failed) && failed.Rows == read)
                {
                    _tickers.Remove(change.Ticker);
                }
            }

            throw;
        }

        var upToChange = rows.Rows.Where(r => r.PublishedAt <= change.PublishedAt).ToList();
        var window = upToChange.Where(r => r.PublishedAt >= from).ToList();

        // The window is cut only when the rows read (the newest) do not reach back to its start.
        var cut = rows.Truncated && (rows.Rows.Count == 0 || rows.Rows.Min(r => r.PublishedAt) > from);
        var context = StreetContextCalculator.Calculate(change, window, truncated: cut);
        return context with { Notable = NotableCalls.Find(change, upToChange, context) };
    }

    /// <summary>
    /// The ticker's read, under way or done less than <see cref="TickerRowsKeepFor"/> ago, when its window starts no later
    /// than <paramref name="from"/> (under the lock). A change published after that read (the next change of a live
    /// stream) is served too: what was stored since, at most <see cref="TickerRowsKeepFor"/> of it, is missing from its
    /// context, as documented.
    /// </summary>
    private Task<TickerRows>? CoveringRead(string ticker, DateTimeOffset from) =>
        _tickers.TryGetValue(ticker, out var read)
        && read.From <= from
        && (!read.Rows.IsCompleted || (read.Rows.IsCompletedSuccessfully && read.Rows.Result.Expires > time.GetUtcNow()))
            ? read.Rows
            : null;

    /// <summary>Starts reading the ticker's history from <paramref name="from"/> and notes the read for the ticker (under the lock).</summary>
    private Task<TickerRows> StartRead(RatingChange change, DateTimeOffset from)
    {
        // Read up to now (not only up to the change), so that the ticker's next changes are covered too.
        var now = time.GetUtcNow();
        var read = ReadTickerAsync(change.Ticker, from, change.PublishedAt > now ? change.PublishedAt : now);
        _tickers[change.Ticker] = new TickerRead(read, from);
        if (_tickers.Count > CacheSize)
        {
            foreach (var stale in _tickers.Where(t => t.Value.Rows.IsCompleted && CoveringRead(t.Key, t.Value.From) is null).Select(t => t.Key).ToList())
            {
                _tickers.Remove(stale);
            }
        }

        return read;
    }

    private async Task<TickerRows> ReadTickerAsync(string ticker, DateTimeOffset from, DateTimeOffset until)
    {
        // Never completes within StartRead, so the read is noted before anyone can find it done.
        await Task.Yield();
        var readAt = time.GetUtcNow();
        var history = await store.GetWindowAsync(ticker, from, until, MaxRows, CancellationToken.None);
        return new TickerRows(history, Truncated: history.Count >= MaxRows, readAt + TickerRowsKeepFor);
    }

    private sealed record Entry(Lazy<Task<StreetContext>> Context, DateTimeOffset Expires);

    private sealed record TickerRead(Task<TickerRows> Rows, DateTimeOffset From);

    private sealed record TickerRows(IReadOnlyList<RatingChange> Rows, bool Truncated, DateTimeOffset Expires);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History of {Ticker} unreadable for change {ChangeId} ({Reason}); its alerts go out without the street's context")]
    private partial void LogUnavailable(string ticker, string changeId, string reason);
}
