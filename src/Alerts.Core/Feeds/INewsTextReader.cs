using Alerts.Core.Ratings;

namespace Alerts.Core.Feeds;

/// <summary>
/// Reads rating changes from news text (a headline, or a headline and its summary). The news feed sources depend on
/// this seam rather than on the extractor itself; the host registers an adapter over the news text extractor.
/// </summary>
public interface INewsTextReader
{
    /// <summary>
    /// The rating changes stated in <paramref name="text"/>; none when it states none (nothing is guessed).
    /// <paramref name="publishedAt"/> and <paramref name="url"/> are the item's, for the changes that do not say otherwise;
    /// <paramref name="feedName"/> is the source's name, under which what could not be completed is counted.
    /// </summary>
    IReadOnlyList<RatingChangeSubmission> Read(string text, DateTimeOffset? publishedAt, string? url, string feedName);
}
