using System.Globalization;
using Alerts.Core.Delivery;
using Alerts.Core.Ratings;

namespace Alerts.Core.Context;

/// <summary>
/// What makes a call matter, worked out from our own history of the ticker: a new street-high or street-low target, a
/// call against the consensus, a move of two or more notches, the firm's first call in <see cref="QuietMonths"/> months,
/// and a target far from the street's mean. Pure: the same change, history and context give the same lines. The street
/// (each firm's latest rating and target over <see cref="StreetContextCalculator.Window"/>) is the change's
/// <see cref="StreetContext"/>; only the firm's last call reads further back, over the <see cref="Lookback"/> that
/// <see cref="StreetContextReader"/> reads in its one query.
/// </summary>
internal static class NotableCalls
{
    /// <summary>
    /// A firm silent on a ticker this long that speaks again is news: a year covers the usual quarterly and annual
    /// reviews, so a call after it is a fresh look rather than routine upkeep (the convention of "first call in a year").
    /// </summary>
    public const int QuietMonths = 12;

    /// <summary>
    /// A target this far from the street's mean stands apart: sell-side targets on one stock usually sit within about a
    /// fifth of their mean, so 20% marks an outlier without flagging every call.
    /// </summary>
    public const decimal FarFromMeanPct = 20m;

    /// <summary>How far back the history must reach to judge a firm's last call: <see cref="QuietMonths"/> and a margin.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(400);

    /// <summary>The lines for <paramref name="change"/>, in <see cref="NotableCallKind"/> order; empty when nothing stands out.</summary>
    /// <param name="history">The ticker's stored rows up to the change (the change itself may be among them), newest or oldest first.</param>
    /// <param name="context">The change's street context, from <see cref="StreetContextCalculator"/>.</param>
    /// <remarks>
    /// A history cut short (the oldest rows missing) is fine: "none since" names the oldest row read, and every row since it is there.
    /// </remarks>
    public static IReadOnlyList<NotableCall> Find(RatingChange change, IEnumerable<RatingChange> history, StreetContext context)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);

        var lines = new List<NotableCall>();
        Extreme(change, context, lines);
        AgainstConsensus(change, context, lines);
        Notches(change, lines);
        FirstInMonths(change, history, lines);
        FarFromMean(change, context, lines);
        return lines;
    }

    private static void Extreme(RatingChange change, StreetContext context, List<NotableCall> lines)
    {
        // A firm restating the target it had is not a new extreme.
        if (change.ToTarget is not { } target || change.FromTarget == target
            || context.ThisFirm is not { Of: > 1, Tied: false } standing || standing.Target != target || context.Targets is not { } street)
        {
            return;
        }

        var money = ChangeDescription.Money(target, street.Currency);
        if (target == street.High)
        {
            lines.Add(new(NotableCallKind.StreetHigh, $"New street-high target: {change.Firm}'s {money} is above every other firm's latest ({standing.Of - 1} others in the last {Days} days)."));
        }
        else if (target == street.Low)
        {
            lines.Add(new(NotableCallKind.StreetLow, $"New street-low target: {change.Firm}'s {money} is below every other firm's latest ({standing.Of - 1} others in the last {Days} days)."));
        }
    }

    private static void AgainstConsensus(RatingChange change, StreetContext context, List<NotableCall> lines)
    {
        if (change.Action is not (RatingAction.Upgrade or RatingAction.Downgrade or RatingAction.Initiate or RatingAction.Resume))
        {
            return;
        }

        var bullish = change.ToLevel is RatingLevel.Buy or RatingLevel.StrongBuy;
        var bearish = change.ToLevel is RatingLevel.Sell or RatingLevel.StrongSell;
        if (!bullish && !bearish)
        {
            return;
        }

        // The other firms with a known rating: the context counts this firm at its new level.
        var levels = context.Levels;
        var buy = levels.StrongBuy + levels.Buy - (bullish ? 1 : 0);
        var sell = levels.Sell + levels.StrongSell - (bearish ? 1 : 0);
        var others = buy + levels.Hold + sell;
        if (others < 2)
        {
            return;
        }

        // Against: most of the others are not on this call's side of Hold.
        var notWithIt = others - (bullish ? buy : sell);
        if (notWithIt * 2 > others)
        {
            var side = bullish ? "below Buy (Hold or Sell)" : "above Sell (Hold or Buy)";
            lines.Add(new(NotableCallKind.AgainstConsensus, $"Against the consensus: {notWithIt} of the {others} other rated firms are {side}."));
        }
    }

    private static void Notches(RatingChange change, List<NotableCall> lines)
    {
        if (change.FromLevel == RatingLevel.Unknown || change.ToLevel == RatingLevel.Unknown)
        {
            return;
        }

        var notches = (int)change.ToLevel - (int)change.FromLevel;
        if (Math.Abs(notches) >= 2)
        {
            lines.Add(new(NotableCallKind.TwoNotches, $"A {Math.Abs(notches)}-notch {(notches > 0 ? "upgrade" : "downgrade")} on the common scale: {Level(change.FromLevel)} to {Level(change.ToLevel)}."));
        }
    }

    private static void FirstInMonths(RatingChange change, IEnumerable<RatingChange> history, List<NotableCall> lines)
    {
        var firm = FirmDirectory.Key(change.Firm);
        var quietSince = change.PublishedAt.AddMonths(-QuietMonths);
        DateTimeOffset? last = null;
        DateTimeOffset? oldest = null;
        foreach (var row in history)
        {
            if (!string.Equals(row.Ticker, change.Ticker, StringComparison.Ordinal) || row.PublishedAt > change.PublishedAt)
            {
                continue;
            }

            oldest = oldest is { } o && o <= row.PublishedAt ? o : row.PublishedAt;

            // The change itself, its corrections, and other sources' reports of it (the same firm on the same day) are not an earlier call.
            if (row.Id == change.Id || row.CorrectionOf == change.Id || row.PublishedAt.UtcDateTime.Date == change.PublishedAt.UtcDateTime.Date
                || !string.Equals(FirmDirectory.Key(row.Firm), firm, StringComparison.Ordinal))
            {
                continue;
            }

            if (last is null || row.PublishedAt > last)
            {
                last = row.PublishedAt;
            }
        }

        if (last is { } previous)
        {
            if (previous < quietSince)
            {
                // Whole months elapsed: 20 Jul 2024 to 2 Dec 2025 is 16.
                var (now, then) = (change.PublishedAt.UtcDateTime, previous.UtcDateTime);
                var months = ((now.Year - then.Year) * 12) + now.Month - then.Month - (now.Day < then.Day ? 1 : 0);
                lines.Add(new(NotableCallKind.FirstInMonths, $"{change.Firm}'s first call on {change.Ticker} in {months} months (the last: {Day(previous)})."));
            }
        }
        else if (oldest is { } first && first <= quietSince)
        {
            // Our history of the ticker reaches back past the quiet period and holds nothing from this firm.
            lines.Add(new(NotableCallKind.FirstInMonths, $"{change.Firm}'s first call on {change.Ticker} in at least {QuietMonths} months (none in our history since {Day(first)})."));
        }
    }

    private static void FarFromMean(RatingChange change, StreetContext context, List<NotableCall> lines)
    {
        if (change.ToTarget is not { } target || context.Targets is not { Firms: > 1 } street || street.Mean <= 0
            || !string.Equals(change.Currency, street.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var pct = Math.Round((target - street.Mean) / street.Mean * 100m, 0, MidpointRounding.AwayFromZero);
        if (Math.Abs(pct) >= FarFromMeanPct)
        {
            lines.Add(new(NotableCallKind.FarFromMean,
                $"The target is {Math.Abs(pct).ToString("0", CultureInfo.InvariantCulture)}% {(pct > 0 ? "above" : "below")} the street's mean of {ChangeDescription.Money(street.Mean, street.Currency)} ({street.Firms} firms, this one included)."));
        }
    }

    private static int Days => (int)StreetContextCalculator.Window.TotalDays;

    private static string Level(RatingLevel level) => level switch
    {
        RatingLevel.StrongBuy => "Strong Buy",
        RatingLevel.Buy => "Buy",
        RatingLevel.Hold => "Hold",
        RatingLevel.Sell => "Sell",
        _ => "Strong Sell",
    };

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
