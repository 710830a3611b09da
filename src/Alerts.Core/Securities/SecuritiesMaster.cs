using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using Alerts.Core.Extraction;

namespace Alerts.Core.Securities;

/// <summary>
/// The listed securities: every ticker the SEC lists (exchange, filed name, the name shown to people) and the index from
/// the names news uses to tickers. Its default is the SEC file embedded in this assembly
/// (<c>Securities/Data/company_tickers_exchange.json.gz</c>, with its README); <see cref="Replace"/> swaps in a newer
/// file at once (a refresh from the SEC), keeping the same name data. Safe for any number of readers during a swap:
/// each call reads one immutable snapshot.
/// </summary>
public sealed class SecuritiesMaster
{
    /// <summary>The name of <see cref="Source"/> while the embedded file is in use.</summary>
    public const string EmbeddedSource = "embedded";

    /// <summary>How many unlisted tickers of one check get suggestions; the rest are warned of without.</summary>
    public const int MaxSuggested = 20;

    /// <summary>The message of a <see cref="TickerWarning"/>.</summary>
    public const string NotListed = "not a listed ticker";

    private const string EmbeddedFile = "Alerts.Core.Securities.company_tickers_exchange.json.gz";

    private static readonly Lazy<IReadOnlyList<SecListing>> EmbeddedRows = new(ReadEmbedded);

    private static readonly Lazy<SecuritiesMaster> LazyDefault = new(() => Load(extraNamesJson: null));

    private readonly NameData _names;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _wellKnown;
    private SecuritiesSnapshot _snapshot;

    private SecuritiesMaster(NameData names, SecuritiesSnapshot snapshot)
    {
        _names = names;
        _wellKnown = names.Aliases.Select(a => TickerKey.Of(a.Ticker)).ToFrozenSet(StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _snapshot = snapshot;
    }

    /// <summary>The embedded SEC file with the built-in name data.</summary>
    public static SecuritiesMaster Default => LazyDefault.Value;

    /// <summary>Number of listed tickers (with the alias table's tickers that the SEC does not list).</summary>
    public int Count => Snapshot.ByTicker.Count;

    /// <summary>Number of names in the index (filed names, short names, aliases; each spelling once).</summary>
    public int NameCount => Snapshot.ByName.Count;

    /// <summary>Where the listings come from: <see cref="EmbeddedSource"/>, or the address of the last good refresh.</summary>
    public string Source => Snapshot.Source;

    /// <summary>When the listings were last replaced by a refresh; null while the embedded file is in use.</summary>
    public DateTimeOffset? RefreshedAt => Snapshot.LoadedAt;

    internal SecuritiesSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>
    /// The embedded SEC file with the built-in name data and that of <paramref name="extraNamesJson"/>:
    /// <c>{"companies": {"TICKER": ["Name", "Other name"]}, "commonWords": [...], "dictionaryWords": [...]}</c>.
    /// </summary>
    public static SecuritiesMaster Load(string? extraNamesJson)
    {
        var names = NameData.Load(extraNamesJson);
        return new SecuritiesMaster(names, SecuritiesSnapshot.Build(EmbeddedRows.Value, names, EmbeddedSource, loadedAt: null));
    }

    /// <summary>Replaces the listings with <paramref name="rows"/> (a validated SEC file), keeping the name data.</summary>
    public void Replace(IReadOnlyList<SecListing> rows, string source, DateTimeOffset loadedAt)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Volatile.Write(ref _snapshot, SecuritiesSnapshot.Build(rows, _names, source, loadedAt));
    }

    /// <summary>The listing of <paramref name="ticker"/>: any case, and BRK-B, BRK.B and BRK/B alike.</summary>
    public bool TryGetListing(string ticker, [NotNullWhen(true)] out Listing? listing)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        return Snapshot.ByTicker.TryGetValue(TickerKey.Of(ticker), out listing);
    }

    /// <summary>True when <paramref name="ticker"/> is listed (see <see cref="TryGetListing"/>).</summary>
    public bool IsListed(string ticker) => TryGetListing(ticker, out _);

    /// <summary>
    /// True when <paramref name="upperTicker"/> (upper case, in the key form of <see cref="TickerKey"/>) has an entry in the
    /// alias table: a ticker news writes bare ("NVDA", "AMD"). Most of the SEC's 10,000 tickers are also words or
    /// abbreviations in other markets' news ("IAG" is Iamgold on the NYSE and International Airlines Group in London,
    /// "ALL", "SAIL"), so a bare capitalized word stands for a ticker only when it is one of these.
    /// </summary>
    public bool IsWellKnownTicker(ReadOnlySpan<char> upperTicker)
    {
        if (upperTicker.IndexOfAny('-', '/') < 0)
        {
            return _wellKnown.Contains(upperTicker);
        }

        Span<char> key = upperTicker.Length <= 32 ? stackalloc char[upperTicker.Length] : new char[upperTicker.Length];
        TickerKey.Write(upperTicker, key);
        return _wellKnown.Contains(key);
    }

    /// <summary>The name shown for <paramref name="ticker"/> ("Microsoft" for MSFT), or null when it is not listed.</summary>
    public string? DisplayName(string ticker) => TryGetListing(ticker, out var listing) ? listing.DisplayName : null;

    /// <summary>The ticker of the company called <paramref name="name"/>, when exactly one listing answers to it.</summary>
    public bool TryResolveName(string name, [NotNullWhen(true)] out string? ticker)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryGetName(CompanyNames.Key(name), out var company))
        {
            ticker = company.Ticker;
            return true;
        }

        ticker = null;
        return false;
    }

    /// <summary>
    /// Listed tickers near <paramref name="ticker"/> (one letter changed, added, dropped, or two swapped; two for longer
    /// tickers), nearest first, then the larger company first: "APPL" gives AAPL, APP. Common stock and funds only.
    /// </summary>
    public IReadOnlyList<string> Suggest(string ticker, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        var key = TickerKey.Of(ticker);
        var limit = key.Length >= 5 ? 2 : 1;
        var found = new List<(int Distance, int Rank, string Ticker)>();
        foreach (var (candidate, listing) in Snapshot.SuggestionKeys)
        {
            if (Math.Abs(candidate.Length - key.Length) > limit || candidate == key)
            {
                continue;
            }

            var distance = Distance(key, candidate, limit);
            if (distance <= limit)
            {
                found.Add((distance, listing.Rank, listing.Ticker));
            }
        }

        return found.OrderBy(f => f.Distance).ThenBy(f => f.Rank).Take(max).Select(f => f.Ticker).ToList();
    }

    /// <summary>
    /// A warning for each of <paramref name="tickers"/> (a subscription's, field <c>tickers[i]</c>) that is not listed, with
    /// the listed tickers near it. Warnings, not refusals: the SEC's list holds only US-registered listings, so a foreign
    /// ticker (7203.T), a listing newer than the last refresh or a vendor's own symbol is still a ticker a change may carry.
    /// Only the first <see cref="MaxSuggested"/> get suggestions (each is a scan of every listing).
    /// </summary>
    public IReadOnlyList<TickerWarning> CheckTickers(IReadOnlyList<string> tickers)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        List<TickerWarning>? warnings = null;
        for (var i = 0; i < tickers.Count; i++)
        {
            if (!IsListed(tickers[i]))
            {
                warnings ??= [];
                var suggestions = warnings.Count < MaxSuggested ? Suggest(tickers[i]) : [];
                warnings.Add(new TickerWarning($"tickers[{i}]", tickers[i], NotListed, suggestions));
            }
        }

        return warnings ?? (IReadOnlyList<TickerWarning>)[];
    }

    /// <summary>True when <paramref name="upperTicker"/> (upper case, any separator) is listed: no allocation.</summary>
    internal bool IsListed(ReadOnlySpan<char> upperTicker)
    {
        var snapshot = Snapshot;
        if (upperTicker.IndexOfAny('-', '/') < 0)
        {
            return snapshot.ByTickerSpan.ContainsKey(upperTicker);
        }

        Span<char> key = upperTicker.Length <= 32 ? stackalloc char[upperTicker.Length] : new char[upperTicker.Length];
        TickerKey.Write(upperTicker, key);
        return snapshot.ByTickerSpan.ContainsKey(key);
    }

    /// <summary>
    /// A name key (<see cref="CompanyNames.Key"/>) as it is, then without a corporate suffix ("nioinc" -> "nio"). A name that
    /// is an ordinary word resolves only with its suffix; one that several companies share, never.
    /// </summary>
    internal bool TryGetName(ReadOnlySpan<char> key, out CompanyName company)
    {
        var snapshot = Snapshot;
        if (snapshot.ByNameSpan.TryGetValue(key, out var entry))
        {
            company = entry.Company;
            return entry.Status == NameStatus.Resolves;
        }

        var stripped = CompanyNames.StripSuffixes(key);
        if (stripped.Length != key.Length && stripped.Length >= 2 && snapshot.ByNameSpan.TryGetValue(stripped, out entry))
        {
            company = entry.Company;
            return entry.Status == NameStatus.Resolves
                || (entry.Status == NameStatus.NeedsSuffix && stripped.Length >= 3 && !_names.CommonWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(stripped));
        }

        company = default;
        return false;
    }

    /// <summary>Optimal string alignment distance (a swap of two neighbours counts one), given up beyond <paramref name="limit"/>.</summary>
    private static int Distance(string a, string b, int limit)
    {
        if (a.Length > 32 || b.Length > 32)
        {
            return limit + 1;
        }

        Span<int> previous2 = stackalloc int[b.Length + 1];
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > limit)
            {
                return limit + 1;
            }

            var recycled = previous2;
            previous2 = previous;
            previous = current;
            current = recycled;
        }

        return previous[b.Length];
    }

    private static IReadOnlyList<SecListing> ReadEmbedded()
    {
        using var stream = typeof(SecuritiesMaster).Assembly.GetManifestResourceStream(EmbeddedFile)
            ?? throw new InvalidOperationException("The embedded SEC listing file is missing.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return SecListingsFile.TryParse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), SecListingsFile.MinimumRows, out var rows, out var problem)
            ? rows
            : throw new InvalidOperationException($"The embedded SEC listing file is unusable: {problem}");
    }
}
