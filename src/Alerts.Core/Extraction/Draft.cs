using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>A change being read: what one clause (or several, merged) said about one ticker and one firm.</summary>
internal sealed class Draft
{
    /// <summary>Null for a company with no listing known here (the change is then unresolved).</summary>
    public required string? Ticker { get; init; }

    /// <summary>Null when no firm is named and none was named before (the change is then unresolved).</summary>
    public required string? Firm { get; init; }

    public required string? FirmKey { get; init; }

    /// <summary>
    /// Whether this and <paramref name="other"/> speak of the same change: one ticker (or, unlisted, one company name) and one firm.
    /// </summary>
    public bool SameChangeAs(Draft other) =>
        other.FirmKey == FirmKey
        && (Ticker is not null ? other.Ticker == Ticker : other.Ticker is null && string.Equals(other.Company, Company, StringComparison.OrdinalIgnoreCase));

    public string? Company { get; set; }

    public string? Analyst { get; set; }

    public RatingAction? Action { get; set; }

    public string? FromRating { get; set; }

    public string? ToRating { get; set; }

    public decimal? FromTarget { get; set; }

    public decimal? ToTarget { get; set; }

    public string? Currency { get; set; }

    public required string Sentence { get; init; }

    /// <summary>Only a statement of the current rating ("the firm has a Buy rating"), read with an inherited firm: it adds to a change, never makes one.</summary>
    public bool MergeOnly { get; init; }

    public static int Strength(RatingAction? action) => action switch
    {
        RatingAction.Initiate or RatingAction.Resume or RatingAction.Suspend => 4,
        RatingAction.Upgrade or RatingAction.Downgrade => 3,
        RatingAction.TargetRaise or RatingAction.TargetCut => 2,
        RatingAction.Reiterate => 1,
        _ => 0,
    };

    /// <summary>Adds what <paramref name="other"/> knows and this does not; the first word on a fact stands.</summary>
    public void MergeFrom(Draft other)
    {
        if (Strength(other.Action) > Strength(Action))
        {
            Action = other.Action;
        }

        Company ??= other.Company;
        Analyst ??= other.Analyst;
        if (ToRating is null)
        {
            ToRating = other.ToRating;
            FromRating ??= other.FromRating;
        }
        else if (FromRating is null && other.FromRating is not null && other.ToRating is not null
            && RatingScale.Key(other.ToRating) == RatingScale.Key(ToRating))
        {
            FromRating = other.FromRating;
        }

        if (ToTarget is null && other.ToTarget is not null)
        {
            ToTarget = other.ToTarget;
            FromTarget ??= other.FromTarget;
            Currency = other.Currency ?? Currency;
        }
        else if (FromTarget is null && other.FromTarget is not null && other.ToTarget == ToTarget)
        {
            FromTarget = other.FromTarget;
        }
    }
}
