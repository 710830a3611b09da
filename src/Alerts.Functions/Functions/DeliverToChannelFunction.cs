using Alerts.Core.Channels;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>
/// Delivers one alert to one channel, triggered by each <see cref="ChannelDelivery"/> message on the
/// <c>channel-deliveries</c> Storage queue. The work is <see cref="ChannelDeliveryHandler"/>'s (it queues its own retries
/// with backoff, and dead letters); a throw (storage down) makes the host deliver the message again, and after
/// <c>maxDequeueCount</c> (host.json) move it to <c>channel-deliveries-poison</c>.
/// </summary>
public sealed class DeliverToChannelFunction(ChannelDeliveryHandler handler)
{
    [Function("DeliverToChannel")]
    public async Task RunAsync([QueueTrigger(ChannelDelivery.QueueName, Connection = "Storage")] string message, CancellationToken cancellationToken)
    {
        var delivery = ChannelDelivery.Parse(message) ?? throw new FormatException("The message is not a channel delivery.");
        await handler.HandleAsync(delivery, cancellationToken);
    }
}
