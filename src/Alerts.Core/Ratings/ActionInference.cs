namespace Alerts.Core.Ratings;

/// <summary>
/// Decides what a change is from its facts: the ratings first (mapped onto one scale), then the targets.
/// A sender's own label is kept where the facts cannot contradict it (coverage events, unknown rating words)
/// and corrected where they do ("reiterated" while the rating moved is an upgrade or downgrade; an "upgrade"
/// whose rating stayed put while the target rose is a target raise).
/// </summary>
internal static class ActionInference
{
    public static RatingAction Infer(
        RatingAction? given,
        string? fromRating,
        RatingLevel fromLevel,
        string? toRating,
        RatingLevel toLevel,
        decimal? fromTarget,
        decimal? toTarget)
    {
        // Coverage events are facts the ratings cannot show: trust the sender.
        if (given is RatingAction.Initiate or RatingAction.Resume or RatingAction.Suspend)
        {
            return given.Value;
        }

        var targetMove = TargetMove(fromTarget, toTarget);
        var hasFrom = !string.IsNullOrWhiteSpace(fromRating);
        var hasTo = !string.IsNullOrWhiteSpace(toRating);

        if (hasFrom && hasTo)
        {
            if (fromLevel != RatingLevel.Unknown && toLevel != RatingLevel.Unknown)
            {
                if (toLevel > fromLevel)
                {
                    return RatingAction.Upgrade;
                }

                if (toLevel < fromLevel)
                {
                    return RatingAction.Downgrade;
                }

                // Same level, whatever the words ("Positive" -> "Buy" is a relabel, not a change of opinion).
                return targetMove ?? RatingAction.Reiterate;
            }

            if (RatingScale.Key(fromRating!) == RatingScale.Key(toRating!))
            {
                return targetMove ?? RatingAction.Reiterate;
            }

            // Words we do not know: never guess a direction from them.
            return given ?? targetMove ?? RatingAction.Reiterate;
        }

        if (hasTo && given is null && targetMove is null)
        {
            // A rating with no prior rating and no target move: coverage starting.
            return RatingAction.Initiate;
        }

        if (targetMove is { } move)
        {
            return given is RatingAction.Upgrade or RatingAction.Downgrade && !hasFrom ? given.Value : move;
        }

        // A target alone, with nothing to compare it with and no rating: a target with no direction, not a reiteration.
        if (given is null && toTarget is not null && fromTarget is null && !hasFrom && !hasTo)
        {
            return RatingAction.TargetSet;
        }

        return given ?? RatingAction.Reiterate;
    }

    private static RatingAction? TargetMove(decimal? fromTarget, decimal? toTarget) =>
        (fromTarget, toTarget) switch
        {
            ({ } from, { } to) when to > from => RatingAction.TargetRaise,
            ({ } from, { } to) when to < from => RatingAction.TargetCut,
            _ => null,
        };
}
