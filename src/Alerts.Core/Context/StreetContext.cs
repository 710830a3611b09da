using Alerts.Core.Ratings;

namespace Alerts.Core.Context;

/// <summary>
/// What the rest of the street said about a ticker in the <see cref="StreetContextCalculator.Window"/> before one change,
/// as stored history shows it (MarketBeat's ratings table is the model): the other recent actions, how many firms sit at
/// each level of the scale, the consensus target, and where this firm's target stands against it.
/// Built by <see cref="StreetContextCalculator"/>, read by <see cref="StreetContextReader"/>, written into emails by
/// <see cref="StreetContextSection"/>.
/// </summary>
public sealed record StreetContext
{
    public required string Ticker { get; init; }

    /// <summary>The firm of the change the context is for.</summary>
    public required string Firm { get; init; }

    /// <summary>The start of the window: <see cref="Until"/> minus <see cref="StreetContextCalculator.Window"/>, inclusive.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The end of the window (inclusive): the change's <see cref="RatingChange.PublishedAt"/>.</summary>
    public required DateTimeOffset Until { get; init; }

    /// <summary>How many of the other changes of the window an email lists (<see cref="Recent"/>); the rest are counted.</summary>
    public const int MaxRecent = 10;

    /// <summary>
    /// The newest <see cref="MaxRecent"/> other changes of the window, newest first: without the change itself, without a
    /// version a sender corrected (its correction stands instead) and without repeats of one call (see
    /// <see cref="StreetContextCalculator"/>). Only these are kept: a context is cached while a change's alerts go out, and
    /// a busy ticker's window holds hundreds.
    /// </summary>
    public required IReadOnlyList<RatingChange> Recent { get; init; }

    /// <summary>How many other changes the window holds (<see cref="Recent"/> are the newest of them).</summary>
    public required int RecentCount { get; init; }

    /// <summary>Each firm that acted in the window (this change included) by its latest rating.</summary>
    public required RatingLevelCounts Levels { get; init; }

    /// <summary>The firms' latest targets in the change's currency; null when no firm has one.</summary>
    public TargetConsensus? Targets { get; init; }

    /// <summary>Firms whose latest target is in another currency than the change's: left out of <see cref="Targets"/>.</summary>
    public int OtherCurrencyTargets { get; init; }

    /// <summary>This firm's target against the others; null when it has none in the change's currency.</summary>
    public TargetStanding? ThisFirm { get; init; }

    /// <summary>What makes this call matter (<see cref="NotableCalls"/>), one line each; empty when nothing stands out.</summary>
    public IReadOnlyList<NotableCall> Notable { get; init; } = [];

    /// <summary>True when history held more rows than were read (<see cref="StreetContextReader.MaxRows"/>): the oldest are left out.</summary>
    public bool Truncated { get; init; }
}
