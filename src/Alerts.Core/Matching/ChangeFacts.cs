using Alerts.Core.Ratings;

namespace Alerts.Core.Matching;

/// <summary>
/// What the rules look at in a change, worked out once per change (not once per subscriber), so that each rule check
/// is a few comparisons and allocates nothing.
/// </summary>
public readonly struct ChangeFacts
{
    private ChangeFacts(int actionBits, string firm, RatingLevel toLevel, decimal? absoluteTargetChangePct, ChangeDirection direction)
    {
        ActionBits = actionBits;
        Firm = firm;
        ToLevel = toLevel;
        AbsoluteTargetChangePct = absoluteTargetChangePct;
        Direction = direction;
    }

    /// <summary>
    /// The bit of the change's action, plus the bit of <c>target_raise</c> or <c>target_cut</c> when its target moved
    /// that way (whatever the action: "target cut by 20% or more" must be expressible whatever the rating did).
    /// </summary>
    public int ActionBits { get; }

    /// <summary>The canonical firm name.</summary>
    public string Firm { get; }

    public RatingLevel ToLevel { get; }

    /// <summary>|target change| in percent, when both targets are known.</summary>
    public decimal? AbsoluteTargetChangePct { get; }

    public ChangeDirection Direction { get; }

    public static ChangeFacts Of(RatingChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var bits = Bit(change.Action);
        if (change.FromTarget is { } from && change.ToTarget is { } to)
        {
            if (to > from)
            {
                bits |= Bit(RatingAction.TargetRaise);
            }
            else if (to < from)
            {
                bits |= Bit(RatingAction.TargetCut);
            }
        }

        return new ChangeFacts(
            bits,
            change.Firm,
            change.ToLevel,
            change.TargetChangePct is { } pct ? Math.Abs(pct) : null,
            ChangeDirections.Of(change.Action, change.ToLevel));
    }

    internal static int Bit(RatingAction action) => 1 << (int)action;
}
