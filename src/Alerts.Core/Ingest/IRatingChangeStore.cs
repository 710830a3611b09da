using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>Whether a stored change's alerts have been enqueued (the outbox state of the change).</summary>
public enum DispatchState
{
    /// <summary>Stored; its alerts are not yet all enqueued.</summary>
    Pending,

    /// <summary>Every matching subscriber's alert is on the queue.</summary>
    Dispatched,

    /// <summary>Published too long before it arrived (<see cref="AlertsOptions.MaxAlertAgeHours"/>): kept for history, alerts nobody.</summary>
    TooOld,
}

/// <summary>The log of rating changes, partitioned by ticker, newest first, each change stored once.</summary>
public interface IRatingChangeStore
{
    /// <summary>
    /// Stores the changes not stored before. For each change, returns null when it was stored now, or the id of the
    /// stored change it repeats (the same content, or the same sender id).
    /// </summary>
    Task<IReadOnlyList<string?>> AddAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken);

    /// <summary>As <see cref="AddAsync"/> reports duplicates, without storing anything (for <c>?dryRun=true</c>).</summary>
    Task<IReadOnlyList<string?>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken);

    Task MarkAsync(RatingChange change, DispatchState state, CancellationToken cancellationToken);

    /// <summary>The changes of one ticker, newest first.</summary>
    Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken);
}
