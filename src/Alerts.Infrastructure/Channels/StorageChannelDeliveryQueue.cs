using Alerts.Core.Channels;
using Alerts.Infrastructure.Storage;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Channels;

/// <summary>
/// The <c>channel-deliveries</c> Storage queue (plain JSON text, as host.json's <c>messageEncoding: none</c> reads it),
/// with its poison queue for dead letters. Read in Azure by the <c>DeliverToChannel</c> queue trigger and locally by
/// <see cref="ChannelQueueListener"/>, which also uses the receive side here. A retry is a new message made visible after
/// its backoff, so that the wait can double, which the trigger's own retries (a fixed visibility timeout) cannot.
/// </summary>
internal sealed class StorageChannelDeliveryQueue(QueueServiceClient queues)
    : Queues.ListenedStorageQueue(queues.GetQueueClient(ChannelDelivery.QueueName), queues.GetQueueClient(ChannelDelivery.PoisonQueueName)), IChannelDeliveryQueue
{
    /// <summary>Messages sent at once: a popular ticker's change may have thousands of channel deliveries.</summary>
    private const int SendParallelism = 16;

    public async Task EnqueueAsync(IReadOnlyList<ChannelDelivery> deliveries, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken);
        TimeSpan? visibility = delay > TimeSpan.Zero ? delay : null;
        await Parallel.ForEachAsync(
            deliveries,
            new ParallelOptions { MaxDegreeOfParallelism = SendParallelism, CancellationToken = cancellationToken },
            async (delivery, ct) => await Queue.SendMessageAsync(delivery.ToJson(), visibility, cancellationToken: ct));
        Signal();
    }

    public async Task DeadLetterAsync(ChannelDelivery delivery, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await EnsureCreatedAsync(cancellationToken);
        await Poison.SendMessageAsync(delivery.ToJson(), cancellationToken: cancellationToken);
    }
}
