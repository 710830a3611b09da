using Alerts.Core.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>What one pass of the outbox re-driver did.</summary>
/// <param name="Tickers">Tickers noted in the outbox for minutes past the grace period, looked at in this pass.</param>
/// <param name="Dispatched">Pending changes matched and enqueued now.</param>
/// <param name="TooOld">Pending changes that had grown too old to alert anyone, marked so.</param>
/// <param name="Failed">Changes (or tickers) that failed again and stay pending for the next pass.</param>
/// <param name="Cleared">Outbox notes removed, their tickers holding nothing pending.</param>
public sealed record RedriveSummary(int Tickers, int Dispatched, int TooOld, int Failed, int Cleared)
{
    /// <summary>True when the pass finished or retried a change (worth a log line).</summary>
    public bool DidWork => Dispatched + TooOld + Failed > 0;
}

/// <summary>
/// Finishes what a crash interrupted: for each ticker the outbox notes for a minute that ended more than
/// <see cref="Grace"/> ago (so requests still in flight are left alone), the ticker's changes still pending dispatch
/// and received before then are matched and dispatched now (except those still waiting in this process's
/// <see cref="BackgroundFanOut"/> or being dispatched by it, <see cref="PendingChangeDispatcher.IsDispatching"/>). A note is removed once its ticker has nothing pending and
/// its minute ended more than <see cref="Retention"/> ago.
/// </summary>
public sealed partial class OutboxRedriver(
    IOutbox outbox,
    IRatingChangeStore store,
    PendingChangeDispatcher dispatcher,
    BackgroundFanOut background,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<OutboxRedriver> logger)
{
    /// <summary>Changes received less than this ago belong to requests that may still be running.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after its minute a note stays, so that a post that noted its ticker at the end of a minute and stores its
    /// changes a little later is still covered by it.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(2);

    public async Task<RedriveSummary> RedriveAsync(int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await outbox.GetDueAsync(now - Grace, max, cancellationToken);
        int dispatched = 0, tooOld = 0, failed = 0;
        var cleared = new List<OutboxEntry>();
        foreach (var notes in due.GroupBy(e => e.Ticker, StringComparer.Ordinal))
        {
            var clean = true;
            try
            {
                var read = await store.GetPendingAsync(notes.Key, now - Grace, max, cancellationToken);
                clean = read.Count < max;

                // A change waiting in this process's background fan-out (a backlog older than the grace), or being
                // dispatched by it now (a big post's own dispatch, on a slow storage), is left to it.
                var pending = read.Where(change => !background.IsWaiting(change.Id) && !dispatcher.IsDispatching(change.Id)).ToList();
                clean &= pending.Count == read.Count;
                var old = pending.Where(change => options.Value.IsTooOldToAlert(change.PublishedAt, now)).ToList();
                if (old.Count > 0)
                {
                    await store.MarkAsync(old.Select(change => new DispatchMark(change, DispatchState.TooOld)).ToList(), cancellationToken);
                    tooOld += old.Count;
                }

                // The rest as a post's own: matched and enqueued concurrently, marked dispatched in one transaction per 50.
                var result = await dispatcher.DispatchAsync(pending.Except(old).Select(change => new PendingDispatch(change)).ToList(), cancellationToken);
                dispatched += result.Dispatched;
                failed += result.Failed;
                clean &= result.Failed == 0;
                if (result.Dispatched > 0)
                {
                    LogRedriven(result.Dispatched, notes.Key, result.Matched);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickerFailed(ex, notes.Key);
                failed++;
                clean = false;
            }

            if (clean)
            {
                cleared.AddRange(notes.Where(e => e.Minute + TimeSpan.FromMinutes(1) + Retention <= now));
            }
        }

        if (cleared.Count > 0)
        {
            await outbox.RemoveAsync(cleared, cancellationToken);
        }

        return new RedriveSummary(due.Select(e => e.Ticker).Distinct(StringComparer.Ordinal).Count(), dispatched, tooOld, failed, cleared.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-drove {Count} changes on {Ticker} from the outbox: {Matched} alerts matched")]
    private partial void LogRedriven(int count, string ticker, int matched);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not read the changes pending on {Ticker}; its outbox note stays")]
    private partial void LogTickerFailed(Exception exception, string ticker);
}
