namespace Alerts.Core.Delivery;

/// <summary>
/// Wakes the dispatcher once alerts are queued, so that sending is started by an event rather than a clock: in Azure a
/// message on the Storage queue <see cref="QueueName"/> (the <c>DispatchAlerts</c> queue trigger drains the alert queue,
/// whichever carries it), in the local runner the in-process <see cref="DispatchSignal"/>.
/// </summary>
public interface IDispatchWakeUp
{
    /// <summary>The Storage queue of wake-up messages in Azure.</summary>
    public const string QueueName = "dispatch";

    Task WakeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Wakes the dispatcher after <paramref name="delay"/>: when a message is put back on the alert queue for a retry, the
    /// retry is woken by an event too, not found by a clock. Where the dispatcher polls on its own (the local runner), at once.
    /// </summary>
    Task WakeAsync(TimeSpan delay, CancellationToken cancellationToken) => WakeAsync(cancellationToken);
}
