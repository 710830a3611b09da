using Alerts.Core.Context;
using Alerts.Core.Ratings;

namespace Alerts.Core.TickerPages;

/// <summary>
/// What the ticker's page (<c>GET /t/{ticker}</c>) shows, built by <see cref="TickerPageBuilder"/> from stored history:
/// the changes newest first, the price targets per firm over time, the street's mean, high and low after each of them,
/// and the street now (each firm's latest rating on the common scale and the consensus target). Public data only.
/// </summary>
public sealed record TickerPageModel
{
    public required string Ticker { get; init; }

    /// <summary>The company name of the newest change that carries one.</summary>
    public string? Company { get; init; }

    /// <summary>The start of the history read (<see cref="TickerPageBuilder.HistoryWindow"/> before <see cref="Until"/>).</summary>
    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset Until { get; init; }

    /// <summary>The changes, newest first, without versions a sender corrected (the correction stands instead).</summary>
    public required IReadOnlyList<RatingChange> Changes { get; init; }

    /// <summary>True when the history held more than <see cref="TickerPageBuilder.MaxChanges"/> changes: the oldest are left out.</summary>
    public bool Truncated { get; init; }

    /// <summary>The currency the chart is drawn in: that of the newest change with a target; null when no change has one.</summary>
    public string? Currency { get; init; }

    /// <summary>One series per firm, each point one change with a target in <see cref="Currency"/>, oldest first.</summary>
    public required IReadOnlyList<TargetSeries> Series { get; init; }

    /// <summary>The street's consensus (<see cref="StreetContextCalculator"/>) as each charted change left it, oldest first.</summary>
    public required IReadOnlyList<StreetPoint> Street { get; init; }

    /// <summary>Changes whose target is in another currency than <see cref="Currency"/>: listed, not charted.</summary>
    public int OtherCurrencyTargets { get; init; }

    /// <summary>The street as of the newest change: its <see cref="StreetContextCalculator.Window"/> of each firm's latest rating and target.</summary>
    public StreetContext? Now { get; init; }
}

/// <summary>One firm's price targets over time.</summary>
public sealed record TargetSeries(string Firm, IReadOnlyList<TargetPoint> Points);

/// <summary>One change's new price target.</summary>
public sealed record TargetPoint(DateTimeOffset At, decimal Target, RatingChange Change);

/// <summary>The street's consensus target right after one change (the firms' latest targets in the 90 days to it).</summary>
public sealed record StreetPoint(DateTimeOffset At, decimal Mean, decimal Low, decimal High, int Firms);
