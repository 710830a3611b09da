namespace Alerts.Core.Channels;

/// <summary>The <c>channel-deliveries</c> queue: one message per alert and channel.</summary>
public interface IChannelDeliveryQueue
{
    /// <summary>Enqueues the deliveries, each visible after <paramref name="delay"/> (a retry's backoff; zero for a first attempt).</summary>
    Task EnqueueAsync(IReadOnlyList<ChannelDelivery> deliveries, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Sets a delivery aside on <c>channel-deliveries-poison</c>, with the reason, for an operator.</summary>
    Task DeadLetterAsync(ChannelDelivery delivery, string reason, CancellationToken cancellationToken);
}
