using System.Globalization;
using Alerts.Core.Ratings;
using Alerts.Core.Securities;

namespace Alerts.Core.Delivery;

/// <summary>How a change is said in words, the same in subjects, bodies and pages.</summary>
public static class ChangeDescription
{
    /// <summary>
    /// "JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18"; for a correction on its way to the subscribers
    /// of the change it corrects, "Corrected: " and the corrected headline, and for a withdrawal "Withdrawn: " and the
    /// headline of what was withdrawn.
    /// </summary>
    public static string Headline(RatingChange change) => change.Correction?.Kind switch
    {
        CorrectionKind.Corrected => "Corrected: " + Said(change),
        CorrectionKind.Withdrawn => "Withdrawn: " + Said(change),
        _ => Said(change),
    };

    /// <summary>
    /// What a correction changed, as an email says it: "Price target: $200 -> $180 (was $200, now $180)" style pairs, one
    /// per fact that changed; for a withdrawal, that the source withdrew it. Empty for a change that corrects nothing.
    /// </summary>
    public static List<(string Label, string Value)> CorrectionFacts(RatingChange change)
    {
        var facts = new List<(string, string)>();
        if (change.Correction is not { } correction)
        {
            return facts;
        }

        if (correction.Kind == CorrectionKind.Withdrawn)
        {
            facts.Add(("Withdrawn", $"{change.Source ?? "The source"} withdrew this rating change after it was published; disregard the alert you received."));
            return facts;
        }

        var before = change with
        {
            Action = correction.Action,
            FromRating = correction.FromRating,
            ToRating = correction.ToRating,
            FromTarget = correction.FromTarget,
            ToTarget = correction.ToTarget,
            Currency = correction.Currency,
            TargetChangePct = correction.FromTarget is { } from && correction.ToTarget is { } to && from != 0 ? Math.Round((to - from) / from * 100m, 2) : null,
            Correction = null,
        };
        facts.Add(("Was", Said(before)));
        facts.Add(("Now", Said(change)));
        if (before.Action != change.Action)
        {
            facts.Add(("Action corrected", $"{ActionWords(before.Action)} -> {ActionWords(change.Action)}"));
        }

        if (!string.Equals(Ratings(before), Ratings(change), StringComparison.OrdinalIgnoreCase))
        {
            facts.Add(("Rating corrected", $"{Ratings(before) ?? "(none)"} -> {Ratings(change) ?? "(none)"}"));
        }

        if (!string.Equals(Targets(before), Targets(change), StringComparison.Ordinal))
        {
            facts.Add(("Price target corrected", $"{Targets(before) ?? "(none)"} -> {Targets(change) ?? "(none)"}"));
        }

        return facts;
    }

    /// <summary>The headline of what a change says, whatever it corrects.</summary>
    private static string Said(RatingChange change)
    {
        var firm = change.Firm;
        var ticker = change.Ticker;
        var from = change.FromRating;
        var to = change.ToRating;
        var ratingMove = (from, to) switch
        {
            (not null, not null) => $" to {to} from {from}",
            (null, not null) => $" to {to}",
            _ => string.Empty,
        };

        var headline = change.Action switch
        {
            RatingAction.Upgrade => $"{firm} upgrades {ticker}{ratingMove}",
            RatingAction.Downgrade => $"{firm} downgrades {ticker}{ratingMove}",
            RatingAction.Initiate => to is null ? $"{firm} initiates coverage of {ticker}" : $"{firm} initiates {ticker} at {to}",
            RatingAction.Resume => to is null ? $"{firm} resumes coverage of {ticker}" : $"{firm} resumes coverage of {ticker} at {to}",
            RatingAction.Suspend => $"{firm} suspends coverage of {ticker}",
            RatingAction.Reiterate => (from, to) switch
            {
                (_, null) => $"{firm} reiterates {ticker}",
                // A relabel within the same level ("Positive" -> "Buy"): the same view, in new words.
                ({ } was, { } now) when RatingScale.Key(was) != RatingScale.Key(now) => $"{firm} reiterates {now} on {ticker} (was {was})",
                _ => $"{firm} reiterates {to} on {ticker}",
            },
            RatingAction.TargetRaise => $"{firm} raises {ticker} price target{TargetMove(change)}",
            RatingAction.TargetCut => $"{firm} cuts {ticker} price target{TargetMove(change)}",
            RatingAction.TargetSet => change.ToTarget is { } target ? $"{firm} sets {ticker} price target at {Money(target, change.Currency)}" : $"{firm} on {ticker}",
            _ => $"{firm} on {ticker}",
        };

        if (change.Action is RatingAction.TargetRaise or RatingAction.TargetCut or RatingAction.TargetSet)
        {
            return to is null ? headline : $"{headline}, {to}";
        }

        return change.Action == RatingAction.Suspend ? headline : headline + TargetSuffix(change);
    }

    /// <summary>
    /// The facts of a change as label and value (ticker, firm, action, rating, target, published, source), as emails list
    /// them; the company's name as <see cref="CompanyOf"/> gives it.
    /// </summary>
    public static List<(string Label, string Value)> Facts(RatingChange change, SecuritiesMaster? securities = null)
    {
        var company = CompanyOf(change, securities);
        var facts = CorrectionFacts(change);
        facts.Add(("Ticker", company is null ? change.Ticker : $"{change.Ticker} ({company})"));
        facts.Add(("Firm", change.Analyst is null ? change.Firm : $"{change.Firm} ({change.Analyst})"));
        facts.Add(("Action", ActionWords(change.Action)));
        if (Ratings(change) is { } ratings)
        {
            facts.Add(("Rating", ratings));
        }

        if (Targets(change) is { } targets)
        {
            facts.Add(("Price target", targets));
        }

        facts.Add(("Published", Published(change)));
        if (change.Source is not null)
        {
            facts.Add(("Source", change.Source));
        }

        return facts;
    }

    /// <summary>
    /// "2019-08-20" when the source gave a date only (no time of day is made up), else "2025-12-02 13:30 UTC".
    /// </summary>
    public static string Published(RatingChange change) =>
        change.PublishedDate is { } date
            ? MarketDates.Format(date)
            : change.PublishedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The company's name shown for a change: the change's own, unless it has none or only repeats the ticker ("MARA
    /// (MARA)"); then the securities master's ("MARA Holdings"), when the ticker is listed.
    /// </summary>
    public static string? CompanyOf(RatingChange change, SecuritiesMaster? securities)
    {
        var own = change.Company is { } company && !string.Equals(company.Trim(), change.Ticker, StringComparison.OrdinalIgnoreCase) ? company : null;
        return own ?? securities?.DisplayName(change.Ticker);
    }

    /// <summary>"$12 -> $18 (+50%)", "$18", or null when no target was given.</summary>
    public static string? Targets(RatingChange change) => (change.FromTarget, change.ToTarget) switch
    {
        ({ } from, { } to) => $"{Money(from, change.Currency)} -> {Money(to, change.Currency)} ({Percent(change.TargetChangePct)})",
        (null, { } to) => Money(to, change.Currency),
        _ => null,
    };

    /// <summary>"Neutral -> Overweight", "Overweight", "Buy -> (none)", or null when no rating word was given.</summary>
    public static string? Ratings(RatingChange change) => (change.FromRating, change.ToRating) switch
    {
        ({ } from, { } to) => $"{from} -> {to}",
        (null, { } to) => to,
        ({ } from, null) => $"{from} -> (none)",
        _ => null,
    };

    /// <summary>"$12 -> $18", "$18" (when it did not move or no prior target was given), or null when no target was given.</summary>
    public static string? TargetMoveShort(RatingChange change) => (change.FromTarget, change.ToTarget) switch
    {
        ({ } from, { } to) when from != to => $"{Money(from, change.Currency)} -> {Money(to, change.Currency)}",
        (_, { } to) => Money(to, change.Currency),
        _ => null,
    };

    /// <summary>The action in words: "target raise".</summary>
    public static string ActionWords(RatingAction action) => action.ToWireName().Replace('_', ' ');

    public static string Money(decimal amount, string currency)
    {
        var symbol = currency switch
        {
            "USD" => "$",
            "CAD" => "C$",
            "EUR" => "€",
            "GBP" => "£",
            "HKD" => "HK$",
            "JPY" => "¥",
            "AUD" => "A$",
            "CNY" => "CN¥",
            "CHF" => "CHF ",
            _ => currency + " ",
        };
        var format = amount == decimal.Truncate(amount) ? "#,0" : "#,0.00";
        return symbol + amount.ToString(format, CultureInfo.InvariantCulture);
    }

    private static string Percent(decimal? pct) =>
        pct is { } p ? (p > 0 ? "+" : string.Empty) + p.ToString("0.#", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string TargetMove(RatingChange change) => (change.FromTarget, change.ToTarget) switch
    {
        ({ } from, { } to) => $" to {Money(to, change.Currency)} from {Money(from, change.Currency)}",
        (null, { } to) => $" to {Money(to, change.Currency)}",
        _ => string.Empty,
    };

    private static string TargetSuffix(RatingChange change) =>
        TargetMoveShort(change) is { } move ? ", PT " + move : string.Empty;
}
