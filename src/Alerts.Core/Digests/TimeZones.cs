namespace Alerts.Core.Digests;

/// <summary>IANA time zones, and local times that DST skips or repeats, resolved in one place.</summary>
internal static class TimeZones
{
    /// <summary>The zone named <paramref name="id"/>; UTC for null (and for a name no longer known, rather than failing a send).</summary>
    public static TimeZoneInfo Find(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>True for an IANA zone id this machine knows ("Europe/Paris", "UTC"); Windows ids are refused.</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
        && (zone.HasIanaId || string.Equals(id, "UTC", StringComparison.Ordinal));

    /// <summary>
    /// The instant at which the clocks of <paramref name="zone"/> show <paramref name="time"/> on <paramref name="date"/>.
    /// A time that does not exist (skipped by a DST jump) gives the first instant after the jump; a time that happens
    /// twice (clocks set back) gives the first of the two.
    /// </summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute));
            while (zone.IsInvalidTime(local))
            {
                local = local.AddMinutes(1);
            }
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The first instant strictly after <paramref name="after"/> at which the local clock shows <paramref name="time"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset after, TimeOnly time, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(after, zone).DateTime);
        for (var day = today.AddDays(-1); ; day = day.AddDays(1))
        {
            var candidate = At(day, time, zone);
            if (candidate > after)
            {
                return candidate;
            }
        }
    }

    /// <summary>The local time of day at <paramref name="at"/>.</summary>
    public static TimeOnly LocalTime(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
}
