using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>Whether a stored change's alerts have been enqueued (the outbox state of the change).</summary>
public enum DispatchState
{
    /// <summary>Stored; its alerts are not yet all enqueued.</summary>
    Pending,

    /// <summary>Every matching subscriber's alert is on the queue.</summary>
    Dispatched,

    /// <summary>A sender's correction of a record it sent before: kept for history, alerts nobody (the first version did).</summary>
    Correction,

    /// <summary>Published too long before it arrived (<see cref="AlertsOptions.MaxAlertAgeHours"/>): kept for history, alerts nobody.</summary>
    TooOld,
}

/// <summary>The log of rating changes, partitioned by ticker, newest first, each change stored once.</summary>
public interface IRatingChangeStore
{
    /// <summary>
    /// Stores the changes not stored before, and for each says what happened: stored, a duplicate of a stored change
    /// (the same content, or the same sender record with the same content), or a correction (the same sender record
    /// with other content, stored and pointing at the change it corrects).
    /// </summary>
    Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken);

    /// <summary>What <see cref="AddAsync"/> would answer, without storing anything (for <c>?dryRun=true</c>).</summary>
    Task<IReadOnlyList<StoreResult>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken);

    Task MarkAsync(RatingChange change, DispatchState state, CancellationToken cancellationToken);

    /// <summary>A stored change and its dispatch state, or null when no change of that id is stored for the ticker.</summary>
    Task<(RatingChange Change, DispatchState State)?> GetAsync(string ticker, string changeId, CancellationToken cancellationToken);

    /// <summary>The changes of one ticker, newest first.</summary>
    Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The changes of one ticker published from <paramref name="from"/> to <paramref name="until"/> (both inclusive),
    /// newest first, at most <paramref name="limit"/> (the newest): one range query over the ticker's log rows.
    /// </summary>
    Task<IReadOnlyList<RatingChange>> GetWindowAsync(string ticker, DateTimeOffset from, DateTimeOffset until, int limit, CancellationToken cancellationToken);
}
