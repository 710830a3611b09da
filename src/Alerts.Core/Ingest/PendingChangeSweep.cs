using Microsoft.Extensions.Logging;

namespace Alerts.Core.Ingest;

/// <summary>What one pass of the sweep did.</summary>
/// <param name="Tickers">Tickers the outbox noted for minutes past <see cref="PendingChangeSweep.Grace"/>, looked at.</param>
/// <param name="Dispatched">Pending changes fanned out now.</param>
/// <param name="Failed">Tickers whose pending changes could not all be fanned out: their notes stay for the next pass.</param>
/// <param name="Cleared">Outbox notes removed, their tickers holding nothing pending.</param>
public sealed record SweepSummary(int Tickers, int Dispatched, int Failed, int Cleared)
{
    /// <summary>True when the pass finished or retried a change (worth a log line).</summary>
    public bool DidWork => Dispatched + Failed > 0;
}

/// <summary>
/// The safety net behind the fan-out queue: finds what a lost or given-up <see cref="ChangesStored"/> message left
/// pending (a crash between the store and the enqueue, a message set aside after its last attempt). For each ticker the
/// outbox notes for a minute that ended more than <see cref="Grace"/> ago, the ticker's changes still pending and
/// received before then are fanned out (<see cref="FanOutHandler.FanOutAsync"/>); a note is removed once its ticker has
/// nothing pending. Run every few minutes (<c>SWEEP_SCHEDULE</c>, every 5 minutes): a message normally does the work
/// within seconds, so this finds nothing.
/// </summary>
public sealed partial class PendingChangeSweep(
    IOutbox outbox,
    IRatingChangeStore store,
    FanOutHandler fanOut,
    TimeProvider time,
    ILogger<PendingChangeSweep> logger)
{
    /// <summary>
    /// Changes received less than this ago are left to their message (its first attempt, and the retries of a queue
    /// message whose handler crashed, come back well within it).
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    /// <summary>The most outbox notes, and pending changes per ticker, one pass takes.</summary>
    public const int MaxPerPass = 1000;

    public async Task<SweepSummary> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await outbox.GetDueAsync(now - Grace, MaxPerPass, cancellationToken);
        int dispatched = 0, failed = 0;
        var cleared = new List<OutboxEntry>();
        foreach (var notes in due.GroupBy(e => e.Ticker, StringComparer.Ordinal))
        {
            try
            {
                var pending = await store.GetPendingAsync(notes.Key, now - Grace, MaxPerPass, cancellationToken);
                if (pending.Count > 0)
                {
                    var result = await fanOut.FanOutAsync(pending, default, cancellationToken);
                    dispatched += pending.Count;
                    LogSwept(pending.Count, notes.Key, result.Matched);
                }

                if (pending.Count < MaxPerPass)
                {
                    cleared.AddRange(notes);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickerFailed(ex, notes.Key);
                failed++;
            }
        }

        if (cleared.Count > 0)
        {
            await outbox.RemoveAsync(cleared, cancellationToken);
        }

        var summary = new SweepSummary(due.Select(e => e.Ticker).Distinct(StringComparer.Ordinal).Count(), dispatched, failed, cleared.Count);
        if (summary.DidWork)
        {
            LogSweep(summary.Tickers, summary.Dispatched, summary.Failed);
        }

        return summary;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep: {Tickers} tickers looked at, {Dispatched} pending changes fanned out, {Failed} tickers failed")]
    private partial void LogSweep(int tickers, int dispatched, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Swept {Count} changes left pending on {Ticker}: {Matched} alerts matched")]
    private partial void LogSwept(int count, string ticker, int matched);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not fan out the changes pending on {Ticker}; its outbox note stays for the next sweep")]
    private partial void LogTickerFailed(Exception exception, string ticker);
}
