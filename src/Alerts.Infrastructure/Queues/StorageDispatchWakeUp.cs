using Alerts.Core.Delivery;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// Wakes the Functions app's dispatcher: a small message on the Storage queue <c>dispatch</c>, whose queue trigger drains
/// the alert queue (Storage queue or Service Bus). The message carries nothing; any number of them is harmless (a drain
/// that finds nothing ends at once), and a lost one is covered by the once-a-minute drain.
/// </summary>
internal sealed class StorageDispatchWakeUp(QueueServiceClient queues) : IDispatchWakeUp
{
    private readonly QueueClient _queue = queues.GetQueueClient(IDispatchWakeUp.QueueName);
    private volatile bool _created;

    public async Task WakeAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        await _queue.SendMessageAsync("{}", cancellationToken);
    }
}
