using Alerts.Core.Ingest;
using Alerts.Infrastructure.Storage;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The fan-out queue on an Azure Storage queue (<c>changes</c>, on the app's storage account whatever carries the
/// alerts; Azurite locally). Messages are plain JSON text (host.json: <c>messageEncoding: none</c>), read in Azure by the
/// <c>FanOut</c> queue trigger and locally by <see cref="FanOutQueueListener"/>, which also uses the receive side here.
/// </summary>
internal sealed class StorageFanOutQueue(QueueServiceClient queues)
    : ListenedStorageQueue(queues.GetQueueClient(StorageNames.ChangesQueue), queues.GetQueueClient(StorageNames.ChangesPoisonQueue)), IFanOutQueue
{
    public async Task EnqueueAsync(IReadOnlyList<ChangesStored> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken);
        await Task.WhenAll(messages.Select(m => Queue.SendMessageAsync(m.ToJson(), cancellationToken)));
        Signal();
    }
}
