using Alerts.Core.Ingest;
using Alerts.Infrastructure.Storage;

namespace Alerts.Infrastructure.Tests.TestSupport;

/// <summary>Store results as the ids they point at: null for stored, the stored id for a duplicate, "correction-of:{id}" for a correction.</summary>
internal static class StoreResults
{
    public static async Task<IReadOnlyList<string?>> AddIdsAsync(this IRatingChangeStore store, IReadOnlyList<Core.Ratings.RatingChange> changes, CancellationToken cancellationToken) =>
        Ids(await store.AddAsync(changes, cancellationToken));

    public static async Task<IReadOnlyList<string?>> FindExistingIdsAsync(this IRatingChangeStore store, IReadOnlyList<Core.Ratings.RatingChange> changes, CancellationToken cancellationToken) =>
        Ids(await store.FindExistingAsync(changes, cancellationToken));

    private static List<string?> Ids(IReadOnlyList<StoreResult> results) =>
        results.Select(r => r.Kind switch
        {
            StoreResultKind.Stored => null,
            StoreResultKind.Duplicate => r.ExistingId,
            _ => "correction-of:" + r.ExistingId,
        }).ToList();
}
