using Alerts.Core.Context;
using Alerts.Core.Ratings;

namespace Alerts.Core.TickerPages;

/// <summary>
/// Builds the ticker's page from its stored history. Pure: the same rows give the same page. The street's figures come
/// from <see cref="StreetContextCalculator"/> (one home for "each firm's latest rating and target"), asked once per
/// charted change for the mean/high/low lines and once for the newest change for the street now.
/// </summary>
public static class TickerPageBuilder
{
    /// <summary>
    /// How far back the page reads: two years, enough to see a firm's previous call on most tickers while keeping the
    /// read to one bounded range query.
    /// </summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(730);

    /// <summary>The most changes read and shown (the newest): 500 keeps the page small on a phone and the chart legible.</summary>
    public const int MaxChanges = 500;

    public static TickerPageModel Build(string ticker, IEnumerable<RatingChange> history, DateTimeOffset until, bool truncated = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticker);
        ArgumentNullException.ThrowIfNull(history);

        var from = until - HistoryWindow;
        var rows = history
            .Where(r => string.Equals(r.Ticker, ticker, StringComparison.Ordinal) && r.PublishedAt >= from && r.PublishedAt <= until)
            .ToList();
        var corrected = rows.Where(r => r.CorrectionOf is not null).Select(r => r.CorrectionOf!).ToHashSet(StringComparer.Ordinal);
        var changes = rows
            .Where(r => !corrected.Contains(r.Id) && !r.Withdrawn)
            .OrderByDescending(r => r.PublishedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        if (changes.Count > MaxChanges)
        {
            truncated = true;
            changes.RemoveRange(MaxChanges, changes.Count - MaxChanges);
        }

        var currency = changes.FirstOrDefault(c => c.ToTarget is not null)?.Currency;
        var charted = currency is null
            ? []
            : changes.Where(c => c.ToTarget is not null && string.Equals(c.Currency, currency, StringComparison.OrdinalIgnoreCase)).ToList();

        var series = charted
            .GroupBy(c => FirmDirectory.Key(c.Firm), StringComparer.Ordinal)
            .Select(g => new TargetSeries(
                g.First().Firm,
                g.OrderBy(c => c.PublishedAt).ThenBy(c => c.Id, StringComparer.Ordinal).Select(c => new TargetPoint(c.PublishedAt, c.ToTarget!.Value, c)).ToList()))
            .OrderBy(s => s.Firm, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var street = new List<StreetPoint>(charted.Count);
        foreach (var change in Enumerable.Reverse(charted))
        {
            if (StreetContextCalculator.Calculate(change, changes).Targets is { } t)
            {
                street.Add(new StreetPoint(change.PublishedAt, t.Mean, t.Low, t.High, t.Firms));
            }
        }

        return new TickerPageModel
        {
            Ticker = ticker,
            Company = changes.Select(c => c.Company).FirstOrDefault(c => !string.IsNullOrWhiteSpace(c)),
            From = from,
            Until = until,
            Changes = changes,
            Truncated = truncated,
            Currency = currency,
            Series = series,
            Street = street,
            OtherCurrencyTargets = changes.Count(c => c.ToTarget is not null) - charted.Count,
            Now = changes.Count > 0 ? StreetContextCalculator.Calculate(changes[0], changes) : null,
        };
    }
}
