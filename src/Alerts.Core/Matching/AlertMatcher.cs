using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// Decides whether a change reaches a subscriber. It is handed only the subscribers of the change's ticker
/// (read from the per-ticker index), so its cost is that ticker's followers, never all users.
/// </summary>
public static class AlertMatcher
{
    public static bool Matches(RatingChange change, SubscriberRules rules)
    {
        if (rules.Actions.Count > 0 && !rules.Actions.Contains(change.Action) && !MatchesTargetMove(change, rules.Actions))
        {
            return false;
        }

        if (rules.Firms.Count > 0 && !rules.Firms.Contains(change.Firm, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        if (rules.MinTargetChangePct is { } min
            && (change.TargetChangePct is not { } pct || Math.Abs(pct) < min))
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// "target_raise" / "target_cut" in a subscriber's actions follow the target whatever the rating did
    /// (contract: "target cut by 20% or more" must be expressible), so a downgrade that cut the target is a target cut too.
    /// </summary>
    private static bool MatchesTargetMove(RatingChange change, IReadOnlyList<RatingAction> actions) =>
        (change.FromTarget, change.ToTarget) switch
        {
            ({ } from, { } to) when to > from => actions.Contains(RatingAction.TargetRaise),
            ({ } from, { } to) when to < from => actions.Contains(RatingAction.TargetCut),
            _ => false,
        };
}
