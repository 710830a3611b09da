using Alerts.Core.Feeds;
using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>The news feeds' <see cref="INewsTextReader"/>: the same extractor that reads <c>text/plain</c> posts.</summary>
public sealed class ExtractorNewsTextReader(NewsTextExtractor extractor) : INewsTextReader
{
    public IReadOnlyList<RatingChangeSubmission> Read(string text, DateTimeOffset? publishedAt, string? url) =>
        extractor.Extract(text, publishedAt, source: null, url);
}
