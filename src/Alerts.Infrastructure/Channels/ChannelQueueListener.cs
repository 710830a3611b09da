using Alerts.Core.Channels;
using Alerts.Infrastructure.Queues;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Channels;

/// <summary>
/// The local runner's stand-in for the <c>DeliverToChannel</c> queue trigger (<see cref="StorageQueueListener"/>, as the
/// fan-out's): receives <see cref="ChannelDelivery"/> messages and hands each to the same <see cref="ChannelDeliveryHandler"/>.
/// The handler queues its own retries (with backoff) and dead letters; a message whose handling throws (storage down, or
/// not a delivery at all) comes back, and after <see cref="StorageQueueListener.MaxDequeueCount"/> attempts goes to
/// <c>channel-deliveries-poison</c>.
/// </summary>
internal sealed class ChannelQueueListener(StorageChannelDeliveryQueue queue, ChannelDeliveryHandler handler, ILogger<ChannelQueueListener> logger)
    : StorageQueueListener(queue, VisibilityTimeout, logger)
{
    /// <summary>How long a received message stays hidden while it is handled: a post may take its whole timeout.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(60);

    protected override async Task HandleAsync(string body, CancellationToken cancellationToken)
    {
        var delivery = ChannelDelivery.Parse(body) ?? throw new FormatException("The message is not a channel delivery.");
        await handler.HandleAsync(delivery, cancellationToken);
    }
}
