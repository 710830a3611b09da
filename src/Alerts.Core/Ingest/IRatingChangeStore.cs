using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>Whether a stored change's alerts have been enqueued (the outbox state of the change).</summary>
public enum DispatchState
{
    /// <summary>Stored; its alerts are not yet all enqueued.</summary>
    Pending,

    /// <summary>Every matching subscriber's alert is on the queue (or nobody followed the ticker when the change was stored).</summary>
    Dispatched,

    /// <summary>
    /// A sender's correction of a record it sent before that told nobody anything: it changed nothing a subscriber sees,
    /// or nobody followed the ticker (a correction that did tell is <see cref="Dispatched"/>, see <see cref="CorrectionDispatcher"/>).
    /// </summary>
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
    /// with other content, stored and pointing at the change it corrects). A stored change whose
    /// <paramref name="initialState"/> is <see cref="DispatchState.Pending"/> is written together with its pending row
    /// (in the same entity-group transaction), which stays until <see cref="MarkAsync(IReadOnlyList{DispatchMark}, CancellationToken)"/>
    /// records its dispatch: the outbox of that change (see <see cref="GetPendingAsync"/>).
    /// </summary>
    Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, Func<RatingChange, DispatchState> initialState, CancellationToken cancellationToken);

    /// <summary>Stores the changes, each pending dispatch (see the overload).</summary>
    Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken) =>
        AddAsync(changes, static _ => DispatchState.Pending, cancellationToken);

    /// <summary>What <see cref="AddAsync(IReadOnlyList{RatingChange}, CancellationToken)"/> would answer, without storing anything (for <c>?dryRun=true</c>).</summary>
    Task<IReadOnlyList<StoreResult>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken);

    /// <summary>
    /// Records the dispatch state of pending changes and removes their pending rows: one entity-group transaction per
    /// ticker (per 50 changes). A change whose pending row is gone already (re-driven meanwhile) is marked all the same.
    /// </summary>
    Task MarkAsync(IReadOnlyList<DispatchMark> marks, CancellationToken cancellationToken);

    /// <summary>The same for one change.</summary>
    Task MarkAsync(RatingChange change, DispatchState state, CancellationToken cancellationToken) =>
        MarkAsync([new DispatchMark(change, state)], cancellationToken);

    /// <summary>
    /// The changes of <paramref name="ticker"/> still pending dispatch that were received before
    /// <paramref name="receivedBefore"/>, oldest first, at most <paramref name="max"/>: one range read of the ticker's
    /// pending rows, then each change's log row.
    /// </summary>
    Task<IReadOnlyList<RatingChange>> GetPendingAsync(string ticker, DateTimeOffset receivedBefore, int max, CancellationToken cancellationToken);

    /// <summary>A stored change and its dispatch state, or null when no change of that id is stored for the ticker.</summary>
    Task<(RatingChange Change, DispatchState State)?> GetAsync(string ticker, string changeId, CancellationToken cancellationToken);

    /// <summary>
    /// The change a sender's record is stored as now (its newest version, after any corrections) and its state, found by
    /// the record's source and sender id, on <paramref name="ticker"/> or, when null, on the ticker the store noted for
    /// the record when it was stored; null when no such record is stored.
    /// </summary>
    Task<(RatingChange Change, DispatchState State)?> GetBySenderAsync(string source, string senderId, string? ticker, CancellationToken cancellationToken);

    /// <summary>The changes of one ticker, newest first.</summary>
    Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The changes of one ticker published from <paramref name="from"/> to <paramref name="until"/> (both inclusive),
    /// newest first, at most <paramref name="limit"/> (the newest): one range query over the ticker's log rows.
    /// </summary>
    Task<IReadOnlyList<RatingChange>> GetWindowAsync(string ticker, DateTimeOffset from, DateTimeOffset until, int limit, CancellationToken cancellationToken);
}
