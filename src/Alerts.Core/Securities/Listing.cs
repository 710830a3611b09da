namespace Alerts.Core.Securities;

/// <summary>
/// One listed ticker of the securities master.
/// </summary>
/// <param name="Ticker">As the product writes it: the alias table's form when it has one (BRK.B), else the SEC's (BRK-B).</param>
/// <param name="Cik">The SEC's company id; null for a ticker known only from the alias table (no longer listed, or abroad).</param>
/// <param name="FiledName">The name as filed ("MICROSOFT CORP"); null for an alias-only ticker.</param>
/// <param name="DisplayName">The name shown to people ("Microsoft").</param>
/// <param name="Exchange">Nasdaq, NYSE, OTC, CBOE, or null when the SEC gives none.</param>
/// <param name="Kind">Common stock, preferred, warrant/unit/right, or fund.</param>
/// <param name="Rank">Position in the SEC's file (which lists the largest companies first); alias-only tickers come after.</param>
public sealed record Listing(string Ticker, long? Cik, string? FiledName, string DisplayName, string? Exchange, ListingKind Kind, int Rank);
