using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>What <see cref="NewsTextExtractor.Read"/> found in a text: the complete changes, and those it could not complete.</summary>
public sealed record ExtractionResult(IReadOnlyList<RatingChangeSubmission> Changes, IReadOnlyList<UnresolvedChange> Unresolved)
{
    public static ExtractionResult Empty { get; } = new([], []);
}
