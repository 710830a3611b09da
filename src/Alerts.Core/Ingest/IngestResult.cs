using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>One change of a post: its normalized form (with its stored id) and whether it repeated one already stored.</summary>
public sealed record IngestedChange(RatingChange Change, bool Duplicate);

/// <summary>
/// What a post did: how many changes were stored, how many were repeats, each change in order, and how many alerts were
/// matched and queued before the answer.
/// </summary>
public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<IngestedChange> Changes, int AlertsMatched)
{
    /// <summary>Changes handed to the background fan-out: their alerts are matched and queued after the answer.</summary>
    public int FanningOut { get; init; }
}
