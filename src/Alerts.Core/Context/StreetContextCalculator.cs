using Alerts.Core.Ratings;

namespace Alerts.Core.Context;

/// <summary>
/// Works out a change's <see cref="StreetContext"/> from the ticker's stored history. Pure: the same change and rows give
/// the same context, whenever and however often it is asked.
/// </summary>
/// <remarks>
/// <para>The window is the <see cref="Window"/> (90 days) up to the change, both ends inclusive, by
/// <see cref="RatingChange.PublishedAt"/>; rows outside it, and rows published after the change, are ignored.</para>
/// <para>Corrections and repeats: the store keeps one row per content (the same call from two sources is one row). A
/// version a sender corrected gives way to its correction (the newest version of a record stands); corrections of the
/// change itself are the change, so they are left out with it. Two rows of one firm on one day (UTC) with the same new
/// rating word and the same new target are one call reported twice (say, one source with the prior target, one
/// without): the newest row stands, and a row that repeats the change itself is left out.</para>
/// <para>Levels: each firm counts once, at the level of its latest rating word in the window (this change counts for
/// its firm); a row without a rating word (a target-only move) keeps the firm's earlier rating; a firm with no rating
/// word, or with a word off the scale, counts as unknown. A firm whose latest action is <see cref="RatingAction.Suspend"/>
/// no longer covers the ticker and counts nowhere; a suspension also ends what the firm said before it.</para>
/// <para>Targets: each firm's latest target; those in the change's currency make the consensus (this firm's included),
/// the others are only counted. This firm's target is ranked among them and compared with their median.</para>
/// </remarks>
public static class StreetContextCalculator
{
    /// <summary>How far back the context looks: 90 days before the change.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    public static StreetContext Calculate(RatingChange change, IEnumerable<RatingChange> history, bool truncated = false)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(history);

        var from = change.PublishedAt - Window;
        var rows = history
            .Where(r => r.PublishedAt >= from && r.PublishedAt <= change.PublishedAt && string.Equals(r.Ticker, change.Ticker, StringComparison.Ordinal))
            .ToList();
        var keys = new Keys();
        var recent = Recent(change, rows, keys);

        // Per firm, newest first (the change before anything else): its latest rating and its latest target.
        var firms = new Dictionary<string, FirmView>(StringComparer.Ordinal);
        See(firms, change, keys);
        foreach (var row in recent)
        {
            See(firms, row, keys);
        }

        var levels = RatingLevelCounts.None;
        var targets = new List<decimal>();
        var otherCurrency = 0;
        foreach (var firm in firms.Values.Where(f => !f.Suspended))
        {
            levels = levels.With(firm.Level ?? RatingLevel.Unknown);
            if (firm.Target is { } target)
            {
                if (string.Equals(firm.Currency, change.Currency, StringComparison.OrdinalIgnoreCase))
                {
                    targets.Add(target);
                }
                else
                {
                    otherCurrency++;
                }
            }
        }

        var consensus = Consensus(targets, change.Currency);
        var own = firms[keys.Firm(change.Firm)];
        return new StreetContext
        {
            Ticker = change.Ticker,
            Firm = change.Firm,
            From = from,
            Until = change.PublishedAt,
            Recent = recent.Count > StreetContext.MaxRecent ? recent.Take(StreetContext.MaxRecent).ToList() : recent,
            RecentCount = recent.Count,
            Levels = levels,
            Targets = consensus,
            OtherCurrencyTargets = otherCurrency,
            ThisFirm = consensus is not null && !own.Suspended && own.Target is { } mine
                && string.Equals(own.Currency, change.Currency, StringComparison.OrdinalIgnoreCase)
                ? Standing(change.Firm, mine, targets, consensus)
                : null,
            Truncated = truncated,
        };
    }

    /// <summary>The other rows, newest first, without the change, corrected versions and repeats.</summary>
    private static List<RatingChange> Recent(RatingChange change, List<RatingChange> rows, Keys keys)
    {
        // The change and every correction of it (a chain: each correction points at the version before it).
        var itself = new HashSet<string>(StringComparer.Ordinal) { change.Id };
        bool grew;
        do
        {
            grew = false;
            foreach (var row in rows)
            {
                if (row.CorrectionOf is { } of && itself.Contains(of) && itself.Add(row.Id))
                {
                    grew = true;
                }
            }
        }
        while (grew);

        var corrected = rows.Where(r => r.CorrectionOf is not null).Select(r => r.CorrectionOf!).ToHashSet(StringComparer.Ordinal);
        var calls = new HashSet<Call> { keys.Call(change) };
        return rows
            .Where(r => !itself.Contains(r.Id) && !corrected.Contains(r.Id) && !r.Withdrawn)
            .OrderByDescending(r => r.PublishedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Where(r => calls.Add(keys.Call(r)))
            .ToList();
    }

    private static void See(Dictionary<string, FirmView> firms, RatingChange row, Keys keys)
    {
        var key = keys.Firm(row.Firm);
        if (!firms.TryGetValue(key, out var firm))
        {
            firm = new FirmView { Suspended = row.Action == RatingAction.Suspend };
            firms.Add(key, firm);
            if (firm.Suspended)
            {
                firm.Ended = true;
                return;
            }
        }

        if (firm.Ended)
        {
            return;
        }

        if (row.Action == RatingAction.Suspend)
        {
            // Coverage resumed after this: what the firm said before the suspension no longer stands.
            firm.Ended = true;
            return;
        }

        if (firm.Level is null && row.ToRating is not null)
        {
            firm.Level = row.ToLevel;
        }

        if (firm.Target is null && row.ToTarget is { } target)
        {
            firm.Target = target;
            firm.Currency = row.Currency;
        }

        firm.Ended = firm.Level is not null && firm.Target is not null;
    }

    private static TargetConsensus? Consensus(List<decimal> targets, string currency)
    {
        if (targets.Count == 0)
        {
            return null;
        }

        targets.Sort();
        var middle = targets.Count / 2;
        var median = targets.Count % 2 == 1 ? targets[middle] : (targets[middle - 1] + targets[middle]) / 2;
        var mean = Math.Round(targets.Sum() / targets.Count, 2, MidpointRounding.AwayFromZero);
        return new TargetConsensus(currency, targets.Count, mean, median, targets[0], targets[^1]);
    }

    private static TargetStanding Standing(string firm, decimal target, List<decimal> targets, TargetConsensus consensus)
    {
        var higher = targets.Count(t => t > target);
        var same = targets.Count(t => t == target);
        var pct = Math.Round((target - consensus.Median) / consensus.Median * 100m, 1, MidpointRounding.AwayFromZero);
        return new TargetStanding(firm, target, pct, higher + 1, targets.Count, same > 1);
    }

    /// <summary>One call, however many sources reported it: firm, day (UTC), new rating word, new target.</summary>
    private readonly record struct Call(string Firm, DateOnly Day, string Rating, decimal? Target, string Currency);

    /// <summary>Firm and rating-word keys, each worked out once per calculation (a busy ticker repeats the same few).</summary>
    private sealed class Keys
    {
        private readonly Dictionary<string, string> _firms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _ratings = new(StringComparer.Ordinal);

        public string Firm(string firm) => Memo(_firms, firm, FirmDirectory.Key);

        public Call Call(RatingChange change) => new(
            Firm(change.Firm),
            DateOnly.FromDateTime(change.PublishedAt.UtcDateTime),
            change.ToRating is null ? string.Empty : Memo(_ratings, change.ToRating, RatingScale.Key),
            change.ToTarget,
            change.Currency);

        private static string Memo(Dictionary<string, string> memo, string value, Func<string, string> key)
        {
            if (!memo.TryGetValue(value, out var known))
            {
                known = key(value);
                memo.Add(value, known);
            }

            return known;
        }
    }

    private sealed class FirmView
    {
        public bool Suspended { get; init; }

        /// <summary>Nothing older about this firm matters any more.</summary>
        public bool Ended { get; set; }

        public RatingLevel? Level { get; set; }

        public decimal? Target { get; set; }

        public string? Currency { get; set; }
    }
}
