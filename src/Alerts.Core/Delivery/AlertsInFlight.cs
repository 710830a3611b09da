using System.Collections.Concurrent;

namespace Alerts.Core.Delivery;

/// <summary>
/// The messages this process's dispatcher is handling, by when they were queued. A received message is invisible to a
/// peek at the queue, and messages received together are all handled before the next receive, so while a large batch is
/// sent its last alerts wait without the queue showing it; <see cref="Ingest.QueueBackpressure"/> reads the wait here.
/// Only first deliveries count: a message back for a retry is late because of a failure, not because of load.
/// </summary>
public sealed class AlertsInFlight
{
    private readonly ConcurrentDictionary<object, DateTimeOffset> _handling = new(ReferenceEqualityComparer.Instance);

    /// <summary>Notes <paramref name="messages"/> as being handled until the result is disposed.</summary>
    public IDisposable Handling(IReadOnlyList<ReceivedAlerts> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        DateTimeOffset? oldest = null;
        foreach (var message in messages)
        {
            if (message.DeliveryCount <= 1 && message.QueuedAt is { } queuedAt && (oldest is null || queuedAt < oldest))
            {
                oldest = queuedAt;
            }
        }

        if (oldest is null)
        {
            return Done.Instance;
        }

        var handle = new Handle(this);
        _handling[handle] = oldest.Value;
        return handle;
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

    private sealed class Handle(AlertsInFlight owner) : IDisposable
    {
        public void Dispose() => owner._handling.TryRemove(this, out _);
    }

    private sealed class Done : IDisposable
    {
        public static readonly Done Instance = new();

        public void Dispose()
        {
        }
    }
}
