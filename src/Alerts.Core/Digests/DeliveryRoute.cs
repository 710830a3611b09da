namespace Alerts.Core.Digests;

/// <summary>Where <see cref="DeliveryRouter"/> sent one alert.</summary>
public enum DeliveryRoute
{
    /// <summary>Email it now (the dispatcher's usual path: claim, send, mark).</summary>
    SendNow,

    /// <summary>Held for a digest: nothing to email now.</summary>
    Held,

    /// <summary>Sent or held before (a redelivered message): nothing to do.</summary>
    AlreadyDone,

    /// <summary>Another dispatcher is handling it right now: try the message again later.</summary>
    Busy,
}
