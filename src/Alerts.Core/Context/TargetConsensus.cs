namespace Alerts.Core.Context;

/// <summary>The firms' latest price targets in one currency: one target per firm, this firm's included.</summary>
/// <param name="Mean">Rounded to two places.</param>
/// <param name="Median">The middle target, or the mean of the two middle ones for an even count.</param>
public sealed record TargetConsensus(string Currency, int Firms, decimal Mean, decimal Median, decimal Low, decimal High);
