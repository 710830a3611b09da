using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>One change of a post: its normalized form (with its stored id) and whether it repeated one already stored.</summary>
public sealed record IngestedChange(RatingChange Change, bool Duplicate);

/// <summary>
/// What a post did: how many changes were stored, how many were repeats, each change in order, and how many of the new
/// changes are on followed tickers, queued for their fan-out (matched and alerted by the fan-out step, after the answer).
/// </summary>
public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<IngestedChange> Changes, int FanningOut);
