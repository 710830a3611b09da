using Alerts.Core.Ratings;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// When a vendor says a record was published: an instant, or a date without a time of day (kept as that date; its
/// <see cref="PublishedAt"/> is only where it sorts, see <see cref="MarketDates"/>).
/// </summary>
internal readonly record struct VendorDate(DateTimeOffset PublishedAt, DateOnly? PublishedDate)
{
    public static VendorDate At(DateTimeOffset at) => new(at.ToUniversalTime(), null);

    public static VendorDate Day(DateOnly date) => new(MarketDates.SortInstant(date), date);

    /// <summary>The submission with this date (and, for a date only, the date kept as such).</summary>
    public RatingChangeSubmission On(RatingChangeSubmission submission) =>
        submission with { PublishedAt = PublishedAt, PublishedDate = PublishedDate };
}
