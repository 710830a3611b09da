namespace Alerts.Core.Securities;

/// <summary>
/// A ticker of a subscription that the securities master does not list, with the listed tickers nearest to it:
/// <c>{"field": "tickers[2]", "ticker": "APPL", "message": "not a listed ticker", "suggestions": ["AAPL", "APP"]}</c>.
/// A warning, not a refusal: the subscription is stored as sent (see <see cref="SecuritiesMaster.CheckTickers"/>).
/// </summary>
public sealed record TickerWarning(string Field, string Ticker, string Message, IReadOnlyList<string> Suggestions);
