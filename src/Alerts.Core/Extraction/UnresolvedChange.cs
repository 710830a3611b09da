using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>
/// A rating change the text states but that could not be completed: its company has no listing known here (a company
/// listed only abroad, say) or no firm is named. Every field that was read is kept, under the names of a change; it is
/// never stored and alerts nobody (see the contract's "Unresolved changes in text").
/// </summary>
public sealed record UnresolvedChange
{
    /// <summary>What is missing: <see cref="MissingTicker"/> and/or <see cref="MissingFirm"/>.</summary>
    public required IReadOnlyList<string> Missing { get; init; }

    /// <summary>The company as the text names it ("Ideaya Biosciences"), or its ticker when only that was read.</summary>
    public string? Company { get; init; }

    public string? Ticker { get; init; }

    public string? Firm { get; init; }

    public string? Analyst { get; init; }

    public RatingAction? Action { get; init; }

    public string? FromRating { get; init; }

    public string? ToRating { get; init; }

    public decimal? FromTarget { get; init; }

    public decimal? ToTarget { get; init; }

    /// <summary>ISO 4217, except pence, which is <c>GBp</c> (as the contract's example), so that it is never read as pounds.</summary>
    public string? Currency { get; init; }

    public required string Sentence { get; init; }

    public const string MissingTicker = "ticker";

    public const string MissingFirm = "firm";
}
