using Alerts.Core.Matching;
using Alerts.Core.Ratings;

namespace Alerts.Core.Channels;

/// <summary>The channel deliveries of one matched alert: one per channel of the subscriber, the alert's id shared with its email.</summary>
public static class ChannelDeliveries
{
    public static void Add(ICollection<ChannelDelivery> deliveries, AlertRecipient recipient, RatingChange change, IReadOnlyList<Channel>? channels)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        ArgumentNullException.ThrowIfNull(recipient);
        if (channels is null)
        {
            return;
        }

        foreach (var channel in channels)
        {
            deliveries.Add(new ChannelDelivery(recipient.AlertId, recipient.SubscriptionId, channel, change, recipient.NotableOnly));
        }
    }
}
