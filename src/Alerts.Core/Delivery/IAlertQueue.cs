using System.Diagnostics;
using Alerts.Core.Matching;

namespace Alerts.Core.Delivery;

/// <summary>
/// The queue between matching and email: Azure Service Bus when configured, else an Azure Storage queue.
/// Messages are locked while received and removed only by <see cref="CompleteAsync"/>.
/// </summary>
public interface IAlertQueue
{
    /// <summary>The most recipients one message may carry on this transport (message size limits: 64 KiB for a Storage queue, 256 KB for Service Bus Standard).</summary>
    int MaxRecipientsPerMessage { get; }

    /// <summary>
    /// Enqueues the alerts. The transport may carry several of them (several changes' alerts) in one message, up to its
    /// size limit and <see cref="MaxRecipientsPerMessage"/> recipients; one carrying a
    /// <see cref="AlertsMatched.DeadLetterReason"/> always travels alone.
    /// </summary>
    Task EnqueueAsync(IReadOnlyList<AlertsMatched> messages, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReceivedAlerts>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>The message was handled: remove it.</summary>
    Task CompleteAsync(ReceivedAlerts message, CancellationToken cancellationToken);

    /// <summary>A transient failure: make the message visible again after <paramref name="delay"/>.</summary>
    Task RetryLaterAsync(ReceivedAlerts message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>The message cannot be handled: move it aside (dead-letter or poison queue) with the reason.</summary>
    Task DeadLetterAsync(ReceivedAlerts message, string reason, CancellationToken cancellationToken);
}

/// <summary>
/// A received message. <see cref="Alerts"/> holds what it carries, one <see cref="AlertsMatched"/> per change (one or
/// more), and is null when the body could not be read (it is then dead-lettered).
/// <see cref="Receipt"/> is the transport's own handle (a Service Bus message, a Storage queue pop receipt).
/// <see cref="Parent"/> is the trace context the message carries (its enqueue span), default when it carries none.
/// </summary>
public sealed record ReceivedAlerts(string MessageId, IReadOnlyList<AlertsMatched>? Alerts, int DeliveryCount, object Receipt, ActivityContext Parent = default);
