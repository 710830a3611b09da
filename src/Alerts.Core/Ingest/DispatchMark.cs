using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>A stored change and the dispatch state to record for it (see <see cref="IRatingChangeStore.MarkAsync(IReadOnlyList{DispatchMark}, CancellationToken)"/>).</summary>
public sealed record DispatchMark(RatingChange Change, DispatchState State);
