namespace Alerts.Core.Digests;

/// <summary>What to do with one alert now: send it, or hold it for the digest due at <see cref="HoldUntil"/>.</summary>
internal readonly record struct DeliveryDecision(DateTimeOffset? HoldUntil)
{
    public static DeliveryDecision SendNow => default;

    public bool IsSendNow => HoldUntil is null;

    /// <summary>Held until <paramref name="until"/>, rounded up to the whole minute (digests are due by the minute).</summary>
    public static DeliveryDecision Hold(DateTimeOffset until)
    {
        var utc = until.ToUniversalTime();
        var past = utc.UtcTicks % TimeSpan.TicksPerMinute;
        return new DeliveryDecision(past == 0 ? utc : utc.AddTicks(TimeSpan.TicksPerMinute - past));
    }
}
