namespace Alerts.Core.Channels;

/// <summary>Another worker claimed this delivery moments ago and may be posting it: the queue delivers the message again later.</summary>
public sealed class ChannelDeliveryBusyException(string deliveryId) : Exception($"Channel delivery {deliveryId} is being handled elsewhere; try again later.");
