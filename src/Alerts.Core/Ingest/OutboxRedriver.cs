using Alerts.Core.Matching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>What one pass of the outbox re-driver did.</summary>
public sealed record RedriveSummary(int Entries, int Dispatched, int AlreadyDone, int NeverStored, int Failed);

/// <summary>
/// Finishes what a crash interrupted: for each outbox entry older than <see cref="Grace"/> (so requests still in
/// flight are left alone), a change still pending is matched and dispatched now; a change already dispatched, or
/// never stored (the sender got no 202 and will retry), just has its entry removed.
/// </summary>
public sealed partial class OutboxRedriver(
    IOutbox outbox,
    IRatingChangeStore store,
    AlertFanOut fanOut,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<OutboxRedriver> logger)
{
    /// <summary>Entries younger than this belong to requests that may still be running.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public async Task<RedriveSummary> RedriveAsync(int max, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await outbox.GetDueAsync(now - Grace, max, cancellationToken);
        int dispatched = 0, done = 0, neverStored = 0, failed = 0;
        var finished = new List<OutboxEntry>();
        foreach (var entry in due)
        {
            try
            {
                var stored = await store.GetAsync(entry.Ticker, entry.ChangeId, cancellationToken);
                if (stored is null)
                {
                    neverStored++;
                }
                else if (stored.Value.State != DispatchState.Pending)
                {
                    done++;
                }
                else if (now - stored.Value.Change.PublishedAt > TimeSpan.FromHours(options.Value.MaxAlertAgeHours))
                {
                    await store.MarkAsync(stored.Value.Change, DispatchState.TooOld, cancellationToken);
                    done++;
                }
                else
                {
                    var matched = await fanOut.DispatchAsync(stored.Value.Change, cancellationToken);
                    await store.MarkAsync(stored.Value.Change, DispatchState.Dispatched, cancellationToken);
                    LogRedriven(entry.ChangeId, entry.Ticker, matched);
                    dispatched++;
                }

                finished.Add(entry);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Left in the outbox for the next pass.
                LogFailed(ex, entry.ChangeId, entry.Ticker);
                failed++;
            }
        }

        if (finished.Count > 0)
        {
            await outbox.RemoveAsync(finished, cancellationToken);
        }

        return new RedriveSummary(due.Count, dispatched, done, neverStored, failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-drove change {ChangeId} on {Ticker} from the outbox: {Matched} alerts matched")]
    private partial void LogRedriven(string changeId, string ticker, int matched);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not re-drive change {ChangeId} on {Ticker}; it stays in the outbox")]
    private partial void LogFailed(Exception exception, string changeId, string ticker);
}
