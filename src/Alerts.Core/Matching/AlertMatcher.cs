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
        if (rules.Actions.Count > 0 && !rules.Actions.Contains(change.Action))
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
}
