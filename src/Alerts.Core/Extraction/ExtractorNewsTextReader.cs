using Alerts.Core.Diagnostics;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>
/// The news feeds' <see cref="INewsTextReader"/>: the same extractor that reads <c>text/plain</c> posts. The changes it
/// could not complete (no listing known, no firm) are not stored, and are counted as a post's are
/// (<c>alerts.text.unresolved</c>, origin <c>feed:&lt;name&gt;</c>).
/// </summary>
public sealed class ExtractorNewsTextReader(NewsTextExtractor extractor) : INewsTextReader
{
    public IReadOnlyList<RatingChangeSubmission> Read(string text, DateTimeOffset? publishedAt, string? url, string feedName)
    {
        var read = extractor.Read(text, publishedAt, source: null, url);
        AlertsTelemetry.UnresolvedInText(read.Unresolved, AlertsTelemetry.FeedOrigin(feedName), dryRun: false);
        return read.Changes;
    }
}
