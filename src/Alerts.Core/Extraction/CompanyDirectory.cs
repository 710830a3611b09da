using System.Diagnostics.CodeAnalysis;
using Alerts.Core.Securities;

namespace Alerts.Core.Extraction;

/// <summary>
/// Company names and the tickers they stand for ("Apple" and "Apple Inc." are AAPL), used to resolve a company that
/// news text names without its ticker. Backed by the <see cref="SecuritiesMaster"/>: every SEC-listed company under its
/// filed and short names, plus the alias table <c>Extraction/companies.json</c> (well-known short and former names),
/// which a user extends with a document of the same shape (<see cref="Load"/>). Lookup ignores case, punctuation,
/// spaces and corporate suffixes; a name that is an ordinary word ("Target") resolves only with its suffix, and one
/// that several companies share, never.
/// </summary>
public sealed class CompanyDirectory
{
    private readonly SecuritiesMaster _master;

    public CompanyDirectory(SecuritiesMaster master)
    {
        ArgumentNullException.ThrowIfNull(master);
        _master = master;
    }

    /// <summary>The built-in table.</summary>
    public static CompanyDirectory Default { get; } = new(SecuritiesMaster.Default);

    /// <summary>The securities master behind this directory.</summary>
    public SecuritiesMaster Master => _master;

    /// <summary>Number of companies (tickers) in the table.</summary>
    public int Count => _master.Count;

    /// <summary>
    /// The built-in table plus the companies of <paramref name="extraJson"/>: <c>{"companies": {"TICKER": ["Name", "Other name"]}}</c>.
    /// Its entries win on conflict (a name listed there under another ticker moves to that ticker).
    /// </summary>
    public static CompanyDirectory Load(string? extraJson) => new(SecuritiesMaster.Load(extraJson));

    /// <summary>The ticker of the company called <paramref name="name"/> ("Apple Inc." -> AAPL).</summary>
    public bool TryResolve(string name, [NotNullWhen(true)] out string? ticker) => _master.TryResolveName(name, out ticker);

    /// <summary>True when <paramref name="ticker"/> is a listed ticker (any case; BRK-B and BRK.B alike).</summary>
    public bool IsKnownTicker(string ticker) => _master.IsListed(ticker.Trim());

    /// <summary>The name shown for <paramref name="ticker"/>, or null.</summary>
    public string? NameOf(string ticker) => _master.DisplayName(ticker.Trim());

    internal bool IsKnownTicker(ReadOnlySpan<char> upperTicker) => _master.IsListed(upperTicker);

    /// <summary>A ticker news writes bare, with no parentheses or exchange ("NVDA"): see <see cref="SecuritiesMaster.IsWellKnownTicker"/>.</summary>
    internal bool IsWellKnownTicker(ReadOnlySpan<char> upperTicker) => _master.IsWellKnownTicker(upperTicker);

    /// <summary>
    /// True when a company named in text is not placed on <paramref name="ticker"/> by its name alone: the ticker's only
    /// listing here is over the counter (Babcock's BCKIF, ABB's ABLZF: a London target in pence is no target on the OTC
    /// line). The text may still give such a ticker itself ("Pandora (OTC:PNDRY)"). A ticker of the alias table with no
    /// line in the SEC's list (a user's addition, a former listing) is placed.
    /// </summary>
    internal bool IsNotPlacedByName(string ticker) =>
        _master.TryGetListing(ticker, out var listing) && string.Equals(listing.Exchange, "OTC", StringComparison.OrdinalIgnoreCase);

    /// <summary>Looks a name key up as it is, then without its corporate suffix ("nioinc" -> "nio").</summary>
    internal bool TryGet(ReadOnlySpan<char> key, out CompanyName company) => _master.TryGetName(key, out company);

    /// <summary>Letters and digits only, lower case, "&amp;" as "and" (the key <see cref="Ratings.FirmDirectory"/> uses too).</summary>
    internal static string Key(string name) => CompanyNames.Key(name);

    /// <summary>The key without its corporate suffixes ("nioinc" -> "nio"); see <see cref="CompanyNames.StripSuffixes"/>.</summary>
    internal static ReadOnlySpan<char> StripSuffixes(ReadOnlySpan<char> key) => CompanyNames.StripSuffixes(key);
}

/// <summary>A company of the table: its ticker and its usual name.</summary>
internal readonly record struct CompanyName(string Ticker, string Name);
