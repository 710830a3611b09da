namespace Alerts.Core.Context;

/// <summary>This firm's target against the consensus: "10% below the median, 4th highest of 6".</summary>
/// <param name="PctFromMedian">(target - median) / median in percent, rounded to one place.</param>
/// <param name="Rank">1 for the highest target; tied targets share the best rank.</param>
/// <param name="Of">How many firms' targets it was ranked among (itself included).</param>
/// <param name="Tied">Another firm has the same target.</param>
public sealed record TargetStanding(string Firm, decimal Target, decimal PctFromMedian, int Rank, int Of, bool Tied);
