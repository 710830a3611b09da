using Alerts.Core.Delivery;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// Wakes the Functions app's dispatcher: a small message on the Storage queue <c>dispatch</c>, whose queue trigger drains
/// the alert queue (Storage queue or Service Bus). The message carries nothing; any number of them is harmless (a drain
/// that finds nothing ends at once), and a lost one is covered by the
/// safety drain (<c>DISPATCH_SCHEDULE</c>). A wake-up for a retry is sent hidden until the retried message is visible again.
/// </summary>
internal sealed class StorageDispatchWakeUp(QueueServiceClient queues) : IDispatchWakeUp
{
    private readonly QueueClient _queue = queues.GetQueueClient(IDispatchWakeUp.QueueName);
    private volatile bool _created;

    /// <summary>The longest a Storage queue message can stay hidden.</summary>
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(7);

    public Task WakeAsync(CancellationToken cancellationToken) => WakeAsync(TimeSpan.Zero, cancellationToken);

    public async Task WakeAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        var hidden = delay <= TimeSpan.Zero ? (TimeSpan?)null : (delay < LongestDelay ? delay : LongestDelay);
        await _queue.SendMessageAsync("{}", visibilityTimeout: hidden, cancellationToken: cancellationToken);
    }
}
