using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// Decides whether a change reaches a subscriber. It is handed only the subscribers of the change's ticker
/// (read from the per-ticker index), so its cost is that ticker's followers, never all users. The rules are checked in
/// their compiled form (<see cref="CompiledRules"/>), built once per rules object; a check allocates nothing.
/// </summary>
internal static class AlertMatcher
{
    /// <summary>True when <paramref name="change"/> passes every rule of <paramref name="rules"/>.</summary>
    public static bool Matches(RatingChange change, SubscriberRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Compiled.Matches(ChangeFacts.Of(change));
    }

    /// <summary>The same, with the change's facts worked out once for many subscribers (see <see cref="ChangeFacts.Of"/>).</summary>
    public static bool Matches(in ChangeFacts change, SubscriberRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Compiled.Matches(in change);
    }
}
