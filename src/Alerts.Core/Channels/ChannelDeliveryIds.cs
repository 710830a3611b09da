namespace Alerts.Core.Channels;

/// <summary>The sent-log id of an alert's delivery to one channel: distinct from the alert's email, the same on every retry.</summary>
public static class ChannelDeliveryIds
{
    public static string For(string alertId, string channelId) => Ids.Digest("channel-delivery", alertId, channelId, 32);
}
