namespace Alerts.Core.Digests;

/// <summary>
/// The one place that decides when an alert leaves, from the subscriber's <see cref="DeliverySettings"/> and the clock:
/// <list type="bullet">
/// <item>digest: held until the next <see cref="DeliverySettings.DigestTime"/> (moved to the end of quiet hours if it falls in them);</item>
/// <item>instant, in quiet hours: held until they end;</item>
/// <item>instant, <see cref="DeliverySettings.MaxPerHour"/> already sent this clock hour: held until the next hour begins
/// (or, if that is quiet, until the quiet hours end);</item>
/// <item>otherwise: sent now.</item>
/// </list>
/// "Per hour" is the clock hour in the subscriber's zone (10:00 to 11:00 local), not a rolling 60 minutes: the alerts
/// over the cap leave together at the top of the next hour. All local times go through <see cref="TimeZones"/>, so
/// days with a DST jump behave (a skipped 02:30 is the jump itself; a repeated 01:30 is the first one).
/// </summary>
internal static class DeliveryPolicy
{
    /// <summary>The decision at <paramref name="now"/>, given how many instant emails this subscriber was already sent in the current hour.</summary>
    public static DeliveryDecision Decide(DeliverySettings settings, DateTimeOffset now, int sentThisHour)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var zone = settings.Zone;
        if (settings.Mode == DeliveryMode.Digest)
        {
            return DeliveryDecision.Hold(OutsideQuiet(settings, zone, TimeZones.Next(now, settings.DigestTime, zone)));
        }

        if (settings.QuietHours is { } quiet && quiet.Contains(TimeZones.LocalTime(now, zone)))
        {
            return DeliveryDecision.Hold(TimeZones.Next(now, quiet.End, zone));
        }

        if (settings.MaxPerHour is { } cap && sentThisHour >= cap)
        {
            return DeliveryDecision.Hold(OutsideQuiet(settings, zone, HourStart(settings, now).AddHours(1)));
        }

        return DeliveryDecision.SendNow;
    }

    /// <summary>
    /// The start of the current clock hour in the subscriber's zone (the key of the hourly count): the instant the local clock last showed a whole hour. Zone offsets are whole minutes, so this is <paramref name="now"/>
    /// less the local minutes and seconds. An hour repeated by DST is two hours here, as it is on the clock.
    /// </summary>
    public static DateTimeOffset HourStart(DeliverySettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var local = TimeZoneInfo.ConvertTime(now, settings.Zone);
        return now.ToUniversalTime().AddTicks(-(local.TimeOfDay.Ticks % TimeSpan.TicksPerHour));
    }

    private static DateTimeOffset OutsideQuiet(DeliverySettings settings, TimeZoneInfo zone, DateTimeOffset at) =>
        settings.QuietHours is { } quiet && quiet.Contains(TimeZones.LocalTime(at, zone))
            ? TimeZones.Next(at, quiet.End, zone)
            : at;
}
