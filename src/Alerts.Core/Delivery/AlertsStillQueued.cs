using Alerts.Core.Matching;

namespace Alerts.Core.Delivery;

/// <summary>
/// How many of the alerts this process queued no dispatcher has taken yet. A queue tells its oldest waiting message
/// (<see cref="IAlertQueue.PeekOldestWaitingAsync"/>), not how many alerts wait: a Storage queue counts messages, and a
/// message carries one alert or hundreds. So each enqueue is noted here with its alerts' match time, and a reading of
/// the queue's oldest waiting message drops the notes matched before its alerts were: those were taken. The count is
/// of this process's own alerts (a scaled-out app's instances each count theirs), and approximate where the queue does
/// not keep order (neither promises to; both mostly do) or where changes are matched out of order (two fan-outs at once).
/// <see cref="Ingest.QueueBackpressure"/> reads it.
/// </summary>
public sealed class AlertsStillQueued(TimeProvider time)
{
    /// <summary>
    /// Notes older than this are dropped whatever the queue says: the count stays bounded when nobody reads the queue, and a
    /// message that old is the age limit's business (<see cref="IngestOptions.MaxQueueWaitSeconds"/>).
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();

    /// <summary>The alerts of each message enqueued, in the order enqueued, by when they were matched.</summary>
    private readonly Queue<(DateTimeOffset MatchedAt, int Alerts)> _notes = new();

    private long _alerts;

    /// <summary>Notes <paramref name="messages"/>, just enqueued.</summary>
    public void Added(IReadOnlyList<AlertsMatched> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_lock)
        {
            foreach (var message in messages)
            {
                _notes.Enqueue((message.MatchedAt, message.Recipients.Count));
                _alerts += message.Recipients.Count;
            }

            DropMatchedBefore(time.GetUtcNow() - MaxAge);
        }
    }

    /// <summary>
    /// How many alerts queued here still wait, given a reading of the queue begun at <paramref name="readAt"/> that found
    /// the alerts of its oldest waiting message matched at <paramref name="oldestMatchedAt"/> (null: none waited, so
    /// nothing matched before the reading began does).
    /// </summary>
    public long Count(DateTimeOffset? oldestMatchedAt, DateTimeOffset readAt)
    {
        var takenBefore = oldestMatchedAt ?? readAt;
        var tooOld = time.GetUtcNow() - MaxAge;
        lock (_lock)
        {
            DropMatchedBefore(takenBefore > tooOld ? takenBefore : tooOld);
            return _alerts;
        }
    }

    /// <summary>How many alerts are noted (none dropped by a reading since); for tests and diagnostics.</summary>
    public long Noted
    {
        get
        {
            lock (_lock)
            {
                return _alerts;
            }
        }
    }

    private void DropMatchedBefore(DateTimeOffset cutoff)
    {
        while (_notes.TryPeek(out var note) && note.MatchedAt < cutoff)
        {
            _notes.Dequeue();
            _alerts -= note.Alerts;
        }
    }
}
