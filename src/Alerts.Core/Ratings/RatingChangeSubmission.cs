namespace Alerts.Core.Ratings;

/// <summary>A rating change as a sender gave it, after validation and before normalization.</summary>
public sealed record RatingChangeSubmission
{
    public string? SenderId { get; init; }

    public required string Ticker { get; init; }

    public string? Company { get; init; }

    public required string Firm { get; init; }

    public string? Analyst { get; init; }

    public RatingAction? Action { get; init; }

    public string? FromRating { get; init; }

    public string? ToRating { get; init; }

    public decimal? FromTarget { get; init; }

    public decimal? ToTarget { get; init; }

    public string? Currency { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>
    /// Set when the sender gave a date without a time of day (a vendor's "2019-08-20"): the change is kept as that date in
    /// New York, and <see cref="PublishedAt"/> is replaced by its sort instant (<see cref="MarketDates.SortInstant"/>).
    /// </summary>
    public DateOnly? PublishedDate { get; init; }

    public string? Source { get; init; }

    public string? Url { get; init; }

    /// <summary>The sentence the change was read from, when it was extracted from news text.</summary>
    public string? Sentence { get; init; }
}
