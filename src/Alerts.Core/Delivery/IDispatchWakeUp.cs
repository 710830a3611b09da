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
}
