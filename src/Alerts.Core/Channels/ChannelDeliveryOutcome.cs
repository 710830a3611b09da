namespace Alerts.Core.Channels;

/// <summary>What <see cref="ChannelDeliveryHandler.HandleAsync"/> did with one delivery.</summary>
public enum ChannelDeliveryOutcome
{
    /// <summary>The receiver took it (2xx), and it is marked sent.</summary>
    Delivered,

    /// <summary>Delivered (or given up) before: nothing was posted.</summary>
    AlreadyDone,

    /// <summary>Not posted, on purpose: the channel is paused, or the subscriber wants notable calls only and this is not one.</summary>
    Skipped,

    /// <summary>The receiver failed for now: the next attempt is queued after its backoff.</summary>
    Retrying,

    /// <summary>The last attempt failed (or the receiver refused it for good): set aside on the poison queue.</summary>
    DeadLettered,
}
