using System.Collections.Concurrent;

namespace Alerts.Core.Delivery;

/// <summary>
/// The messages this process's dispatcher is handling: when they were queued, and how many of their alerts are not sent
/// yet. A received message is invisible to a peek at the queue, and messages received together are all handled before
/// the next receive, so while a large batch is sent its last alerts wait without the queue showing it;
/// <see cref="Ingest.QueueBackpressure"/> reads the wait here. Only first deliveries count: a message back for a retry
/// is late because of a failure, not because of load.
/// </summary>
public sealed class AlertsInFlight
{
    private readonly ConcurrentDictionary<Batch, DateTimeOffset> _handling = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Notes <paramref name="messages"/> as being handled until the result is disposed; the handler tells it as each
    /// change's alerts are done (<see cref="Batch.Done"/>).
    /// </summary>
    public Batch Handling(IReadOnlyList<ReceivedAlerts> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        DateTimeOffset? oldest = null;
        var alerts = 0L;
        foreach (var message in messages)
        {
            if (message.DeliveryCount > 1)
            {
                continue;
            }

            alerts += message.Alerts?.Sum(a => a.Recipients.Count) ?? 0;
            if (message.QueuedAt is { } queuedAt && (oldest is null || queuedAt < oldest))
            {
                oldest = queuedAt;
            }
        }

        if (oldest is null)
        {
            return Batch.None;
        }

        var batch = new Batch(this, alerts);
        _handling[batch] = oldest.Value;
        return batch;
    }

    /// <summary>When the oldest message being handled (a first delivery) was queued; null when none is.</summary>
    public DateTimeOffset? OldestQueuedAt()
    {
        DateTimeOffset? oldest = null;
        foreach (var (_, queuedAt) in _handling)
        {
            if (oldest is null || queuedAt < oldest)
            {
                oldest = queuedAt;
            }
        }

        return oldest;
    }

    /// <summary>How many alerts of the messages being handled (first deliveries) are not done yet.</summary>
    public long Alerts()
    {
        var alerts = 0L;
        foreach (var (batch, _) in _handling)
        {
            alerts += batch.Left;
        }

        return alerts;
    }

    /// <summary>Messages received together, being handled.</summary>
    public sealed class Batch : IDisposable
    {
        /// <summary>What a batch without a first delivery is noted as: nothing.</summary>
        internal static readonly Batch None = new(null, 0);

        private readonly AlertsInFlight? _owner;
        private long _left;

        internal Batch(AlertsInFlight? owner, long alerts) => (_owner, _left) = (owner, alerts);

        /// <summary>The alerts of first deliveries in the batch not done yet.</summary>
        public long Left => Interlocked.Read(ref _left);

        /// <summary>Notes <paramref name="alerts"/> alerts of first deliveries as done (sent, skipped or failed).</summary>
        public void Done(int alerts)
        {
            if (_owner is not null && alerts > 0)
            {
                Interlocked.Add(ref _left, -alerts);
            }
        }

        public void Dispose() => _owner?._handling.TryRemove(this, out _);
    }
}
