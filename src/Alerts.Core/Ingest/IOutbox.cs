using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>An intent to store and dispatch one change, written before the change itself.</summary>
public sealed record OutboxEntry(string Ticker, string ChangeId, DateTimeOffset CreatedAt);

/// <summary>
/// The outbox: before a post's changes are stored, an entry per change says "this change is on its way"; once its
/// alerts are all enqueued the entry is removed. Whatever crashes in between, the entry stays, and
/// <see cref="OutboxRedriver"/> finishes the work (the redo is safe: alert ids are deterministic, the queue drops
/// repeated message ids where it can, and the sent log never emails anyone twice).
/// </summary>
public interface IOutbox
{
    Task AddAsync(IReadOnlyList<RatingChange> changes, DateTimeOffset at, CancellationToken cancellationToken);

    Task RemoveAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>Entries created before <paramref name="createdBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset createdBefore, int max, CancellationToken cancellationToken);
}
