using System.Text.Json;
using Alerts.Core.Ratings;

namespace Alerts.Core.Channels;

/// <summary>
/// The message of the <c>channel-deliveries</c> queue: one alert (a change for one subscriber) to one of the subscriber's
/// channels, on its <see cref="Attempt"/>. <see cref="AlertId"/> is the alert's id, the same as its email's (the id a
/// webhook receiver de-duplicates on); <see cref="DeliveryId"/> is this channel's share of it, claimed in the sent log.
/// </summary>
public sealed record ChannelDelivery(string AlertId, string SubscriptionId, Channel Channel, RatingChange Change, bool? NotableOnly = null, int Attempt = 1)
{
    /// <summary>The queue's name (a Storage queue on the app's account; <c>channel-deliveries-poison</c> holds the dead letters).</summary>
    public const string QueueName = "channel-deliveries";

    public const string PoisonQueueName = "channel-deliveries-poison";

    /// <summary>The id claimed in the sent log: one per alert and channel.</summary>
    public string DeliveryId => ChannelDeliveryIds.For(AlertId, Channel.Id);

    public string ToJson() => JsonSerializer.Serialize(this, ChannelJsonContext.Default.ChannelDelivery);

    /// <summary>The message, or null when <paramref name="json"/> is not one.</summary>
    public static ChannelDelivery? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ChannelJsonContext.Default.ChannelDelivery);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
