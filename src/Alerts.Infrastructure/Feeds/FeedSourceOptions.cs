namespace Alerts.Infrastructure.Feeds;

/// <summary>One polled source (<c>Feeds__Sources__N__...</c>, N = 0, 1, 2...).</summary>
public sealed class FeedSourceOptions
{
    /// <summary>
    /// Required, unique: 1-63 letters, digits, '.', '-', '_' (e.g. <c>finnhub-main</c>). It is stored as the <c>source</c>
    /// of every change the feed brings and keys the feed's cursor: renaming a source starts it afresh.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Required: <c>Finnhub</c>, <c>FmpGrades</c>, <c>FmpGradesNews</c>, <c>FmpPriceTargets</c>, <c>Benzinga</c> or <c>Rss</c> (see <see cref="FeedKind"/>).</summary>
    public string? Kind { get; set; }

    /// <summary>
    /// The API's base address. The defaults are the vendors' own: <c>https://finnhub.io/api/v1</c>,
    /// <c>https://financialmodelingprep.com</c>, <c>https://api.benzinga.com</c>. Not used by <c>Rss</c>.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>The API key (sent as <c>token</c> to Finnhub and Benzinga, <c>apikey</c> to FMP). Required except for <c>Rss</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Comma-separated tickers to poll, one request each (e.g. <c>AAPL,MSFT,CIFR</c>). Required for the <c>Fmp*</c> kinds; optional for <c>Finnhub</c> (none: Finnhub's latest changes across all tickers).
    /// </summary>
    public string? Symbols { get; set; }

    /// <summary>The feed's address (http or https). Required for <c>Rss</c>.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// How far back the first poll of a source reads (there is no cursor yet). The default is 3 days; changes older than
    /// <c>Alerts__MaxAlertAgeHours</c> are stored for history but alert nobody.
    /// </summary>
    public int LookbackDays { get; set; } = 3;

    /// <summary>
    /// How far before a symbol's newest record seen each poll reads again (Finnhub, FMP), so that a record the vendor writes
    /// late, dated back, is still read; what is read twice is recognised and stored once. The default is 7 days (more than
    /// <c>Alerts__MaxAlertAgeHours</c>' 72 hours, beyond which a record alerts nobody anyway).
    /// </summary>
    public int OverlapDays { get; set; } = 7;

    /// <summary>
    /// Requests this source may make in any minute. The default depends on the kind (see <see cref="FeedBudgets"/>):
    /// Finnhub 60 (its free plan's limit), FMP 10, Benzinga 60, Rss 10.
    /// </summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>
    /// Requests this source may make in a day, spread evenly over it. The default depends on the kind (see
    /// <see cref="FeedBudgets"/>): FMP 250 (its free plan's daily limit; sources sharing one key should split it),
    /// Finnhub 86,400, Benzinga 20,000, Rss 2,000.
    /// </summary>
    public int? RequestsPerDay { get; set; }

    /// <summary>The tickers of <see cref="Symbols"/>, trimmed and in upper case.</summary>
    public IReadOnlyList<string> GetSymbols() =>
        (Symbols ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>The parsed <see cref="Kind"/>; valid only after validation.</summary>
    public FeedKind GetKind() => Enum.Parse<FeedKind>(Kind!, ignoreCase: true);
}
