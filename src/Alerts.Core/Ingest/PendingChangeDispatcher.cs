using System.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Ingest;

/// <summary>A stored change whose alerts are still to be matched and queued, and the trace of the post that stored it.</summary>
public sealed record PendingDispatch(RatingChange Change, ActivityContext Parent = default);

/// <summary>What dispatching pending changes did.</summary>
/// <param name="Matched">Alerts matched and queued.</param>
/// <param name="Dispatched">Changes whose alerts were queued.</param>
/// <param name="Failed">Changes whose alerts could not be queued, or whose dispatched mark could not be written: still pending.</param>
public sealed record PendingDispatchResult(int Matched, int Dispatched, int Failed);

/// <summary>
/// Dispatches stored, pending changes: matches each (<see cref="AlertFanOut"/>, concurrently, whatever their ticker),
/// enqueues the last messages of many of them together (so that changes followed by a few people share queue messages),
/// then marks those enqueued as dispatched, one transaction per ticker. A change whose alerts could not be enqueued stays
/// pending, and the outbox re-driver finishes it.
/// The last messages wait to be enqueued together only while changes remain to be started, and at most
/// <see cref="TailMessages"/> of them: once the last changes are in flight, each one that finishes enqueues what waits,
/// so a popular ticker's long fan-out never holds back the alerts of the changes fanned out beside it.
/// </summary>
public sealed partial class PendingChangeDispatcher(IRatingChangeStore store, AlertFanOut fanOut, ILogger<PendingChangeDispatcher> logger)
{
    /// <summary>How many changes are matched and enqueued at once.</summary>
    public const int Concurrency = 16;

    /// <summary>How many last messages may wait to be enqueued together before they are.</summary>
    public const int TailMessages = 64;

    /// <summary>How much a dispatch's share of <see cref="AlertsPerChange"/> keeps at the next dispatch.</summary>
    private const double RecentWeight = 0.8;

    private readonly Lock _recentLock = new();
    private double _recentChanges;
    private double _recentAlerts;

    /// <summary>
    /// The alerts matched per change by this process's latest dispatches, the most recent weighing most (0 before the
    /// first): what changes not fanned out yet are expected to make (<see cref="QueueBackpressure"/>).
    /// </summary>
    public double AlertsPerChange
    {
        get
        {
            lock (_recentLock)
            {
                return _recentChanges <= 0 ? 0 : _recentAlerts / _recentChanges;
            }
        }
    }

    /// <summary>About how many alerts <paramref name="changes"/> changes not fanned out yet will make (<see cref="AlertsPerChange"/>).</summary>
    public long ExpectedAlerts(long changes) => changes <= 0 ? 0 : (long)Math.Ceiling(changes * AlertsPerChange);

    /// <summary>The ids of the changes being dispatched in this process now, each with how many dispatches hold it.</summary>
    private readonly Dictionary<string, int> _dispatching = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether this process is dispatching the change now (a big post dispatching before its answer, a background batch):
    /// the outbox re-driver, which finds it still pending, leaves it alone however long it takes.
    /// </summary>
    public bool IsDispatching(string changeId)
    {
        lock (_dispatching)
        {
            return _dispatching.ContainsKey(changeId);
        }
    }

    public async Task<PendingDispatchResult> DispatchAsync(IReadOnlyList<PendingDispatch> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return new PendingDispatchResult(0, 0, 0);
        }

        Hold(changes, +1);
        try
        {
            return await DispatchHeldAsync(changes, cancellationToken);
        }
        finally
        {
            Hold(changes, -1);
        }
    }

    private void Hold(IReadOnlyList<PendingDispatch> changes, int by)
    {
        lock (_dispatching)
        {
            foreach (var change in changes)
            {
                var held = _dispatching.GetValueOrDefault(change.Change.Id) + by;
                if (held > 0)
                {
                    _dispatching[change.Change.Id] = held;
                }
                else
                {
                    _dispatching.Remove(change.Change.Id);
                }
            }
        }
    }

    private async Task<PendingDispatchResult> DispatchHeldAsync(IReadOnlyList<PendingDispatch> changes, CancellationToken cancellationToken)
    {
        var run = new Run(changes.Count);
        await Parallel.ForEachAsync(
            changes.Select(change =>
            {
                Interlocked.Decrement(ref run.NotStarted);
                return change;
            }),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (pending, ct) =>
            {
                var tail = new List<AlertsMatched>();
                try
                {
                    Interlocked.Add(ref run.Matched, await fanOut.DispatchAsync(pending.Change, tail, ct, pending.Parent));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The change is stored with its dispatch pending (its pending row kept): the re-driver finishes it.
                    LogDispatchFailed(ex, pending.Change.Id, pending.Change.Ticker);
                    return;
                }

                if (run.Finished(pending.Change, tail))
                {
                    await FlushAsync(run, ct);
                }
            });
        await FlushAsync(run, cancellationToken);

        var queued = run.Queued.ToList();
        var unmarked = 0;
        try
        {
            await store.MarkAsync(queued, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Their alerts are queued: left pending, they are at worst dispatched again (the sent log keeps that harmless).
            LogMarkFailed(ex, queued.Count);
            unmarked = queued.Count;
        }

        lock (_recentLock)
        {
            _recentChanges = (_recentChanges * RecentWeight) + changes.Count;
            _recentAlerts = (_recentAlerts * RecentWeight) + run.Matched;
        }

        return new PendingDispatchResult(run.Matched, queued.Count, changes.Count - queued.Count + unmarked);
    }

    /// <summary>Enqueues the last messages waiting, all in one call; their changes are queued, or on failure stay pending.</summary>
    private async Task FlushAsync(Run run, CancellationToken cancellationToken)
    {
        var waiting = run.TakeWaiting();
        if (waiting.Count == 0)
        {
            return;
        }

        try
        {
            await fanOut.EnqueueAsync(waiting.SelectMany(w => w.Tail).ToList(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not all of these changes' alerts are queued: they stay pending, and the re-driver finishes them.
            foreach (var (change, tail) in waiting)
            {
                LogDispatchFailed(ex, change.Id, change.Ticker);
                Interlocked.Add(ref run.Matched, -tail.Sum(a => a.Recipients.Count));
            }

            return;
        }

        foreach (var (change, _) in waiting)
        {
            run.Queued.Add(new DispatchMark(change, DispatchState.Dispatched));
        }
    }

    /// <summary>One dispatch of changes: what is matched, queued, and waiting to be enqueued together.</summary>
    private sealed class Run(int changes)
    {
        private readonly Lock _gate = new();
        private List<(RatingChange Change, List<AlertsMatched> Tail)> _waiting = [];
        private int _waitingMessages;

        /// <summary>Changes not yet taken up by a worker.</summary>
        public int NotStarted = changes;

        /// <summary>Alerts matched and queued (or waiting to be).</summary>
        public int Matched;

        /// <summary>Changes whose alerts are all queued.</summary>
        public System.Collections.Concurrent.ConcurrentBag<DispatchMark> Queued { get; } = [];

        /// <summary>A change's fan-out finished; its last messages (<paramref name="tail"/>) wait. True when they should be enqueued now.</summary>
        public bool Finished(RatingChange change, List<AlertsMatched> tail)
        {
            if (tail.Count == 0)
            {
                Queued.Add(new DispatchMark(change, DispatchState.Dispatched));
                return false;
            }

            lock (_gate)
            {
                _waiting.Add((change, tail));
                _waitingMessages += tail.Count;
                return _waitingMessages >= TailMessages || Volatile.Read(ref NotStarted) <= 0;
            }
        }

        public List<(RatingChange Change, List<AlertsMatched> Tail)> TakeWaiting()
        {
            lock (_gate)
            {
                var waiting = _waiting;
                _waiting = [];
                _waitingMessages = 0;
                return waiting;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} dispatched changes could not be marked so; the re-driver will")]
    private partial void LogMarkFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts of change {ChangeId} on {Ticker} could not be enqueued; the change stays pending in the outbox")]
    private partial void LogDispatchFailed(Exception exception, string changeId, string ticker);
}
