namespace Alerts.Core.Context;

/// <summary>What makes a call matter (<see cref="NotableCalls"/>), in the order the alert lists them.</summary>
public enum NotableCallKind
{
    /// <summary>The firm's new target is above every other firm's latest.</summary>
    StreetHigh,

    /// <summary>The firm's new target is below every other firm's latest.</summary>
    StreetLow,

    /// <summary>A bullish call where most of the street is not bullish, or a bearish one where most is not bearish.</summary>
    AgainstConsensus,

    /// <summary>The rating moved two or more notches on the common scale (Sell to Buy).</summary>
    TwoNotches,

    /// <summary>The firm's first call on the ticker in <see cref="NotableCalls.QuietMonths"/> months.</summary>
    FirstInMonths,

    /// <summary>The target is at least <see cref="NotableCalls.FarFromMeanPct"/>% from the street's mean.</summary>
    FarFromMean,
}
