using System.Collections.Frozen;
using Alerts.Core.Extraction;

namespace Alerts.Core.Securities;

/// <summary>
/// One immutable state of the master: listings by ticker key and the name index. Built whole from the SEC's rows and the
/// name data, then swapped in at once, so readers never see half of a refresh.
/// </summary>
internal sealed class SecuritiesSnapshot
{
    private SecuritiesSnapshot(
        FrozenDictionary<string, Listing> byTicker,
        FrozenDictionary<string, NameEntry> byName,
        Listing[] byRank,
        string source,
        DateTimeOffset? loadedAt)
    {
        ByTicker = byTicker;
        ByTickerSpan = byTicker.GetAlternateLookup<ReadOnlySpan<char>>();
        ByName = byName;
        ByNameSpan = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        ByRank = byRank;
        SuggestionKeys = byRank
            .Where(l => l.Kind is ListingKind.Common or ListingKind.Fund)
            .Select(l => (TickerKey.Of(l.Ticker), l))
            .ToArray();
        Source = source;
        LoadedAt = loadedAt;
    }

    public FrozenDictionary<string, Listing> ByTicker { get; }

    public FrozenDictionary<string, Listing>.AlternateLookup<ReadOnlySpan<char>> ByTickerSpan { get; }

    public FrozenDictionary<string, NameEntry> ByName { get; }

    public FrozenDictionary<string, NameEntry>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan { get; }

    /// <summary>Every listing, the SEC's order first (largest companies first).</summary>
    public Listing[] ByRank { get; }

    /// <summary>The listings a suggestion may name (common stock and funds), with their ticker keys, in rank order.</summary>
    public (string Key, Listing Listing)[] SuggestionKeys { get; }

    public string Source { get; }

    public DateTimeOffset? LoadedAt { get; }

    public static SecuritiesSnapshot Build(IReadOnlyList<SecListing> rows, NameData names, string source, DateTimeOffset? loadedAt)
    {
        // The alias table's spelling of a ticker wins (BRK.B over BRK-B), and so does its choice among share classes.
        var aliasTickers = new Dictionary<string, (string Ticker, string Name)>(StringComparer.Ordinal);
        foreach (var (ticker, aliasNames) in names.Aliases)
        {
            aliasTickers[TickerKey.Of(ticker)] = (ticker, aliasNames[0]);
        }

        var byTicker = new Dictionary<string, Listing>(rows.Count + aliasTickers.Count, StringComparer.Ordinal);
        var primaryByCik = new Dictionary<long, Listing>();
        var rank = 0;
        foreach (var row in rows)
        {
            var key = TickerKey.Of(row.Ticker);
            if (byTicker.ContainsKey(key))
            {
                continue;
            }

            var alias = aliasTickers.GetValueOrDefault(key);
            var listing = new Listing(
                alias.Ticker ?? row.Ticker,
                row.Cik,
                row.Name,
                alias.Name ?? CompanyNames.Display(row.Name),
                row.Exchange,
                CompanyNames.KindOf(row.Ticker, row.Name),
                rank++);
            byTicker[key] = listing;

            // The company's name stands for the listing the alias table names, else its first common listing in the
            // SEC's order: the main class (GOOGL before GOOG; BRK.B by the alias table), never a preferred or a warrant.
            if (listing.Kind == ListingKind.Common
                && (!primaryByCik.TryGetValue(row.Cik, out var primary) || (alias.Ticker is not null && !aliasTickers.ContainsKey(TickerKey.Of(primary.Ticker)))))
            {
                primaryByCik[row.Cik] = listing;
            }
        }

        foreach (var (key, alias) in aliasTickers)
        {
            if (!byTicker.ContainsKey(key))
            {
                byTicker[key] = new Listing(alias.Ticker, null, null, alias.Name, null, ListingKind.Common, rank++);
            }
        }

        var byName = new Dictionary<string, NameEntry>(rows.Count * 3, StringComparer.Ordinal);
        foreach (var listing in primaryByCik.Values)
        {
            var company = new CompanyName(listing.Ticker, listing.DisplayName);
            var keys = CompanyNames.Keys(listing.FiledName!, out var shortIsOneWord);
            for (var i = 0; i < keys.Count; i++)
            {
                var key = keys[i];
                var isShort = i == keys.Count - 1;
                var status = names.CommonWords.Contains(key)
                    || (isShort && shortIsOneWord && (key.Length < 3 || names.DictionaryWords.Contains(key)))
                    ? NameStatus.NeedsSuffix
                    : NameStatus.Resolves;
                if (byName.TryGetValue(key, out var other) && other.Cik != listing.Cik)
                {
                    // Two companies under one name: neither, unless the alias table says which (below).
                    byName[key] = other with { Status = NameStatus.Ambiguous };
                    continue;
                }

                byName[key] = new NameEntry(company, status, listing.Cik!.Value);
            }
        }

        foreach (var (ticker, aliasNames) in names.Aliases)
        {
            var listing = byTicker[TickerKey.Of(ticker)];
            var company = new CompanyName(listing.Ticker, listing.DisplayName);
            var cik = listing.Cik ?? -1L - listing.Rank;
            foreach (var name in aliasNames)
            {
                var key = CompanyNames.Key(name);
                if (key.Length == 0)
                {
                    continue;
                }

                var entry = new NameEntry(company, NameStatus.Resolves, cik);
                byName[key] = entry;

                // "McDonald's" is also matched as "McDonald" followed by a possessive.
                if (name.EndsWith("'s", StringComparison.Ordinal) || name.EndsWith("’s", StringComparison.Ordinal))
                {
                    byName[CompanyNames.Key(name[..^2])] = entry;
                }

                var stripped = CompanyNames.StripSuffixes(key).ToString();
                if (stripped.Length >= 2 && stripped.Length != key.Length && !names.CommonWords.Contains(stripped)
                    && (!byName.TryGetValue(stripped, out var existing) || existing.Status != NameStatus.Resolves || existing.Cik == cik))
                {
                    byName[stripped] = entry;
                }
            }
        }

        var byRank = byTicker.Values.OrderBy(l => l.Rank).ToArray();
        return new SecuritiesSnapshot(
            byTicker.ToFrozenDictionary(StringComparer.Ordinal),
            byName.ToFrozenDictionary(StringComparer.Ordinal),
            byRank,
            source,
            loadedAt);
    }
}
