namespace Alerts.Core.Securities;

/// <summary>One row of the SEC's <c>company_tickers_exchange.json</c>: CIK, filed name, ticker, exchange.</summary>
public sealed record SecListing(long Cik, string Name, string Ticker, string? Exchange);
