using Alerts.Core.Ratings;

namespace Alerts.Core.Matching;

/// <summary>Whether a change is good or bad news for the stock: what the <c>direction</c> rule compares with.</summary>
public enum ChangeDirection
{
    /// <summary>Neither: a reiteration, or coverage started or resumed at hold or at a rating we do not know.</summary>
    Neutral,

    Positive,

    Negative,
}

/// <summary>
/// The one definition of positive and negative news, from the change's action and its new rating on the common scale:
/// <list type="table">
/// <item><term>positive</term><description><c>upgrade</c>; <c>target_raise</c>; <c>initiate</c> or <c>resume</c> at
/// <c>buy</c> or <c>strong_buy</c>.</description></item>
/// <item><term>negative</term><description><c>downgrade</c>; <c>target_cut</c>; <c>suspend</c>; <c>initiate</c> or
/// <c>resume</c> at <c>sell</c> or <c>strong_sell</c>.</description></item>
/// <item><term>neutral</term><description>everything else: <c>reiterate</c>, and <c>initiate</c> / <c>resume</c> at
/// <c>hold</c> or at an unknown rating.</description></item>
/// </list>
/// The action decides (it was already checked against the ratings and targets when the change was normalized): a
/// downgrade that raised the target is negative news, and a rating kept while the target moved is a target raise or cut.
/// </summary>
internal static class ChangeDirections
{
    public static ChangeDirection Of(RatingChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return Of(change.Action, change.ToLevel);
    }

    public static ChangeDirection Of(RatingAction action, RatingLevel toLevel) => action switch
    {
        RatingAction.Upgrade or RatingAction.TargetRaise => ChangeDirection.Positive,
        RatingAction.Downgrade or RatingAction.TargetCut or RatingAction.Suspend => ChangeDirection.Negative,
        RatingAction.Initiate or RatingAction.Resume => toLevel switch
        {
            RatingLevel.Buy or RatingLevel.StrongBuy => ChangeDirection.Positive,
            RatingLevel.Sell or RatingLevel.StrongSell => ChangeDirection.Negative,
            _ => ChangeDirection.Neutral,
        },
        _ => ChangeDirection.Neutral,
    };
}
