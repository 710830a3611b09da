namespace Alerts.Core.Ratings;

/// <summary>
/// A normalized rating change as stored and delivered: one firm name per broker, rating words with their level
/// on the common scale, an action that agrees with the facts, and the target move in percent.
/// </summary>
public sealed record RatingChange
{
    /// <summary>The stored id: a digest of the change's content, so the same change from two sources has one id.</summary>
    public required string Id { get; init; }

    public required string Ticker { get; init; }

    public string? Company { get; init; }

    /// <summary>The canonical firm name (see <see cref="FirmDirectory"/>).</summary>
    public required string Firm { get; init; }

    public string? Analyst { get; init; }

    public required RatingAction Action { get; init; }

    /// <summary>The broker's own words, verbatim.</summary>
    public string? FromRating { get; init; }

    public string? ToRating { get; init; }

    public RatingLevel FromLevel { get; init; }

    public RatingLevel ToLevel { get; init; }

    public decimal? FromTarget { get; init; }

    public decimal? ToTarget { get; init; }

    /// <summary>ISO 4217 code of the targets; USD unless the sender said otherwise.</summary>
    public required string Currency { get; init; }

    /// <summary>(to - from) / from in percent, rounded to two places, when both targets are known.</summary>
    public decimal? TargetChangePct { get; init; }

    /// <summary>
    /// When it was published. For a date-only change (<see cref="PublishedDate"/> set) this is an ordering key only (that
    /// day's New York market close, see <see cref="MarketDates"/>), never shown as a time.
    /// </summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>The date the source gave when it gave no time of day (a New York market date); null when it gave a time.</summary>
    public DateOnly? PublishedDate { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public string? Source { get; init; }

    public string? Url { get; init; }

    /// <summary>The sender's own id for this change, used to recognise a re-post.</summary>
    public string? SenderId { get; init; }

    /// <summary>For a change read from news text: the sentence it was read from.</summary>
    public string? Sentence { get; init; }

    /// <summary>When the sender re-sent its record with other content: the id of the stored change this corrects.</summary>
    public string? CorrectionOf { get; init; }

    /// <summary>
    /// True for the record of a withdrawal: the source deleted the change this one corrects (<see cref="CorrectionOf"/>);
    /// it repeats that change's values.
    /// </summary>
    public bool Withdrawn { get; init; }

    /// <summary>
    /// On a correction or withdrawal on its way to the subscribers of the change it corrects: what they were told (set by
    /// the fan-out step, never stored with the change).
    /// </summary>
    public ChangeCorrection? Correction { get; init; }
}
