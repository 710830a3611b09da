using System.Globalization;

namespace Alerts.Core.Ratings;

/// <summary>
/// The market's calendar (America/New_York, DST included): where a vendor's date without a time sorts among the changes
/// with a time, and how a vendor's New York wall-clock time becomes an instant.
/// </summary>
/// <remarks>
/// A date-only record sorts as that day's market close (16:00 New York): it is known by the end of the day, so it comes
/// after the day's timed changes and before the next day's. That instant is an ordering key only: the record's date is kept
/// as <see cref="RatingChange.PublishedDate"/> and shown as a date, never as a time of day.
/// </remarks>
public static class MarketDates
{
    /// <summary>The time of day a date-only record sorts at: the New York market close.</summary>
    public static readonly TimeOnly Close = new(16, 0);

    private static readonly Lazy<TimeZoneInfo> Zone = new(FindZone);

    /// <summary>America/New_York (Eastern Standard Time on Windows without ICU).</summary>
    public static TimeZoneInfo NewYork => Zone.Value;

    /// <summary>The instant a date-only record sorts at: 16:00 on <paramref name="date"/> in New York.</summary>
    public static DateTimeOffset SortInstant(DateOnly date) => FromNewYork(date, Close);

    /// <summary>
    /// A New York wall-clock date and time as an instant (UTC), with that day's offset (EST or EDT); a time the DST jump
    /// skips or repeats is resolved as everywhere else in the product (<see cref="Digests.TimeZones.At"/>).
    /// </summary>
    public static DateTimeOffset FromNewYork(DateOnly date, TimeOnly time) => Digests.TimeZones.At(date, time, NewYork);

    /// <summary>The New York date of an instant.</summary>
    public static DateOnly NewYorkDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, NewYork).DateTime);

    /// <summary>"2019-08-20".</summary>
    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static TimeZoneInfo FindZone()
    {
        foreach (var id in new[] { "America/New_York", "Eastern Standard Time" })
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // try the next name
            }
        }

        throw new TimeZoneNotFoundException("Neither America/New_York nor Eastern Standard Time is known to this system: install the time zone data (tzdata).");
    }
}
