using System.Text.Json;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// The cursor of a source polled symbol by symbol (Finnhub, FMP): each symbol's own cursor (the newest record time seen
/// for it) and when it was last polled, so that a symbol polled less often (a small request budget) or read late never
/// moves another's window, and the symbols are polled in turn, the longest-waiting first. Stored as one JSON string in
/// the source's cursor row. A cursor written before cursors were per symbol (one time for all) still reads: it is every
/// symbol's cursor until that symbol is polled.
/// </summary>
internal sealed class SymbolCursors
{
    /// <summary>The key of the records polled without a symbol (Finnhub's latest across all tickers).</summary>
    public const string AllSymbols = "*";

    private readonly Dictionary<string, SymbolCursor> _symbols;
    private readonly string? _legacy;

    private SymbolCursors(Dictionary<string, SymbolCursor> symbols, string? legacy)
    {
        _symbols = symbols;
        _legacy = legacy;
    }

    /// <summary>Reads a saved cursor; <paramref name="unreadable"/> is true when there was one this type could not read.</summary>
    public static SymbolCursors Parse(string? cursor, out bool unreadable)
    {
        unreadable = false;
        if (string.IsNullOrWhiteSpace(cursor))
        {
            return new SymbolCursors(new(StringComparer.Ordinal), null);
        }

        if (cursor.TrimStart().StartsWith('{'))
        {
            try
            {
                var saved = JsonSerializer.Deserialize(cursor, SymbolCursorsJsonContext.Default.SavedSymbolCursors);
                if (saved?.Symbols is { } symbols)
                {
                    return new SymbolCursors(new(symbols, StringComparer.Ordinal), null);
                }
            }
            catch (JsonException)
            {
                // not ours: start afresh
            }

            unreadable = true;
            return new SymbolCursors(new(StringComparer.Ordinal), null);
        }

        // One cursor for every symbol, as written before cursors were per symbol.
        unreadable = NewestSeenCursor.Parse(cursor) is null;
        return new SymbolCursors(new(StringComparer.Ordinal), unreadable ? null : cursor);
    }

    /// <summary>The cursor of <paramref name="symbol"/>: its own, else the old shared one, else null (never polled).</summary>
    public string? Get(string symbol) => _symbols.TryGetValue(symbol, out var entry) ? entry.Cursor ?? _legacy : _legacy;

    /// <summary>Records a poll of <paramref name="symbol"/> that read everything it asked for.</summary>
    public void Set(string symbol, string? cursor, DateTimeOffset polledAt) =>
        _symbols[symbol] = new SymbolCursor(cursor ?? Get(symbol), polledAt);

    /// <summary>
    /// <paramref name="symbols"/> in the order they are due: never polled first, then the longest since its last poll;
    /// ties in the configured order.
    /// </summary>
    public IReadOnlyList<string> DueOrder(IReadOnlyList<string> symbols) =>
        symbols
            .Select((symbol, index) => (symbol, index, at: _symbols.TryGetValue(symbol, out var e) ? e.PolledAt : (DateTimeOffset?)null))
            .OrderBy(s => s.at ?? DateTimeOffset.MinValue)
            .ThenBy(s => s.index)
            .Select(s => s.symbol)
            .ToList();

    /// <summary>The cursor to save, or null when no symbol has one yet.</summary>
    public string? Format(IReadOnlyList<string> configured)
    {
        // Symbols no longer configured are dropped; configured ones still on the old shared cursor keep it.
        var kept = new SortedDictionary<string, SymbolCursor>(StringComparer.Ordinal);
        foreach (var symbol in configured)
        {
            if (_symbols.TryGetValue(symbol, out var entry))
            {
                kept[symbol] = entry;
            }
            else if (_legacy is not null)
            {
                kept[symbol] = new SymbolCursor(_legacy, null);
            }
        }

        return kept.Count == 0 ? null : JsonSerializer.Serialize(new SavedSymbolCursors(kept), SymbolCursorsJsonContext.Default.SavedSymbolCursors);
    }
}
