using Alerts.Core.Ratings;

namespace Alerts.Core.Feeds;

/// <summary>What one poll of a source read.</summary>
/// <param name="Changes">The records read, as submissions (validated again by <see cref="FeedPoller"/> before ingest).</param>
/// <param name="NextCursor">Where the next poll starts; saved only once <paramref name="Changes"/> are stored.</param>
/// <param name="Skipped">Malformed records left out (a number or a date that could not be read).</param>
public sealed record FeedPoll(IReadOnlyList<RatingChangeSubmission> Changes, string? NextCursor, int Skipped)
{
    /// <summary>
    /// Parts of the poll that were skipped with their cursor kept (a symbol whose answer was garbage, HTML, empty or an
    /// error object), each with why; the rest of the poll was read and is stored.
    /// </summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Records the provider deleted (by its own id), withdrawn once <see cref="Changes"/> are stored.</summary>
    public IReadOnlyList<Ingest.WithdrawnRecord> Withdrawn { get; init; } = [];
}
