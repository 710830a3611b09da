using System.Text;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// The canonical form of a <see cref="SubscriberRules"/>: what <see cref="CompiledRules"/> checks, and nothing else.
/// Two rule sets with the same key match exactly the same changes, so they can share one compiled instance (see
/// <see cref="CompiledRulesTable"/>). The actions are a bit mask (order and duplicates do not matter); each firm list is
/// its distinct names, upper-cased (the check is case-insensitive) and sorted, each written with its length so that no
/// two lists read alike; a missing minimum rating and <see cref="RatingLevel.Unknown"/> are the same; every paused rule
/// set is one key (it matches nothing, whatever else it says).
/// </summary>
internal sealed record RulesKey(int ActionMask, string Firms, string ExcludedFirms, decimal? MinTargetChangePct, RatingLevel MinRating, NewsDirection Direction, bool Paused)
{
    private static readonly RulesKey PausedKey = new(0, string.Empty, string.Empty, null, RatingLevel.Unknown, NewsDirection.Any, true);

    /// <summary>True when <paramref name="rules"/> sets nothing: its compiled form is <see cref="CompiledRules.MatchAll"/>.</summary>
    public static bool SetsNothing(SubscriberRules rules) =>
        !rules.Paused && rules.Actions.Count == 0 && rules.Firms.Count == 0 && rules.ExcludeFirms.Count == 0
        && rules.MinTargetChangePct is null && (rules.MinRating ?? RatingLevel.Unknown) == RatingLevel.Unknown
        && rules.Direction is not (NewsDirection.Positive or NewsDirection.Negative);

    public static RulesKey Of(SubscriberRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Paused)
        {
            return PausedKey;
        }

        var mask = 0;
        foreach (var action in rules.Actions)
        {
            mask |= ChangeFacts.Bit(action);
        }

        return new RulesKey(
            mask,
            Canonical(rules.Firms),
            Canonical(rules.ExcludeFirms),
            rules.MinTargetChangePct,
            rules.MinRating ?? RatingLevel.Unknown,
            rules.Direction is NewsDirection.Positive or NewsDirection.Negative ? rules.Direction : NewsDirection.Any,
            false);
    }

    /// <summary>A firm list as one string: "" for none; else each distinct upper-cased name as "length:name", sorted.</summary>
    private static string Canonical(IReadOnlyList<string> firms)
    {
        if (firms.Count == 0)
        {
            return string.Empty;
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var firm in firms)
        {
            names.Add(firm.ToUpperInvariant());
        }

        var text = new StringBuilder();
        foreach (var name in names)
        {
            text.Append(name.Length).Append(':').Append(name);
        }

        return text.ToString();
    }
}
