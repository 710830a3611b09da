using System.Globalization;
using System.Text.RegularExpressions;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;

namespace Alerts.Infrastructure.Feeds;

/// <summary>The date forms the feeds use: unix seconds, ISO 8601, RFC 822 (RSS), and US Eastern wall-clock time (Benzinga).</summary>
internal static partial class FeedDates
{
    private static readonly Dictionary<string, int> ZoneHours = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GMT"] = 0, ["UT"] = 0, ["UTC"] = 0, ["Z"] = 0,
        ["EST"] = -5, ["EDT"] = -4, ["CST"] = -6, ["CDT"] = -5,
        ["MST"] = -7, ["MDT"] = -6, ["PST"] = -8, ["PDT"] = -7,
    };

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static DateTimeOffset FromUnixSeconds(long seconds, string name)
    {
        // Before 2000 or after 2100: not a rating change of ours (milliseconds sent as seconds, a zero placeholder).
        if (seconds is < 946_684_800 or > 4_102_444_800)
        {
            throw new MalformedRecordException($"'{name}' {seconds} is not a plausible unix time in seconds");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>"2025-12-02", "2025-12-02 13:30:00", "2025-12-02T13:30:00.000Z"; no offset means UTC.</summary>
    public static DateTimeOffset Iso(string text, string name) =>
        RatingChangeParser.TryParseIsoDate(text.Trim(), out var value)
            ? value
            : throw new MalformedRecordException($"'{name}' \"{FeedJson.Shorten(text)}\" is not an ISO 8601 date");

    /// <summary>
    /// A date ("2025-12-02") and an optional time ("07:31:22") on New York's clock, as Benzinga gives them: the instant (with
    /// that day's EST or EDT offset), or, without a time, the date itself (<see cref="VendorDate.PublishedDate"/>).
    /// </summary>
    public static VendorDate Eastern(string date, string? time)
    {
        var day = Date(date, "date");
        if (string.IsNullOrWhiteSpace(time))
        {
            return VendorDate.Day(day);
        }

        if (!TimeOnly.TryParseExact(time.Trim(), ["HH:mm:ss", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            throw new MalformedRecordException($"'time' \"{FeedJson.Shorten(time)}\" is not an HH:mm:ss time");
        }

        return VendorDate.At(MarketDates.FromNewYork(day, clock));
    }

    /// <summary>
    /// An ISO 8601 field that may be a date only ("2025-01-31": kept as that date) or a date and time
    /// ("2025-01-21T01:24:32.000Z", "2025-01-21 01:24:32": an instant; no offset means UTC).
    /// </summary>
    public static VendorDate IsoOrDate(string text, string name) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? VendorDate.Day(day)
            : VendorDate.At(Iso(text, name));

    /// <summary>
    /// Unix seconds that stand for a date when they fall on 00:00 UTC exactly (Finnhub's <c>gradeTime</c>: every real value
    /// is a day at midnight UTC, the vendor's date), else an instant.
    /// </summary>
    public static VendorDate UnixSecondsOrDate(long seconds, string name)
    {
        var at = FromUnixSeconds(seconds, name);
        return at.UtcDateTime.TimeOfDay == TimeSpan.Zero ? VendorDate.Day(DateOnly.FromDateTime(at.UtcDateTime)) : VendorDate.At(at);
    }

    private static DateOnly Date(string text, string name) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new MalformedRecordException($"'{name}' \"{FeedJson.Shorten(text)}\" is not a yyyy-MM-dd date");

    /// <summary>RSS dates (RFC 822, "Tue, 02 Dec 2025 13:30:00 GMT" or "-0500"), and ISO 8601 (Atom, dc:date).</summary>
    public static bool TryParseFeedDate(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            && IsoLike().IsMatch(text))
        {
            return true;
        }

        var match = Rfc822().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var month = Array.IndexOf(Months, match.Groups["month"].Value[..3].ToLowerInvariant()) + 1;
        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        year = year < 100 ? 2000 + year : year;
        var zone = match.Groups["zone"].Value;
        TimeSpan offset;
        if (zone.Length == 0)
        {
            offset = TimeSpan.Zero;
        }
        else if (zone[0] is '+' or '-')
        {
            var sign = zone[0] == '-' ? -1 : 1;
            offset = sign * new TimeSpan(int.Parse(zone[1..3], CultureInfo.InvariantCulture), int.Parse(zone[3..5], CultureInfo.InvariantCulture), 0);
        }
        else if (ZoneHours.TryGetValue(zone, out var hours))
        {
            offset = TimeSpan.FromHours(hours);
        }
        else
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(
                year, month, int.Parse(match.Groups["day"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["hour"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["minute"].Value, CultureInfo.InvariantCulture),
                match.Groups["second"].Success ? int.Parse(match.Groups["second"].Value, CultureInfo.InvariantCulture) : 0,
                offset).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex IsoLike();

    [GeneratedRegex(
        @"^(?:[A-Za-z]{3,9},?\s+)?(?<day>\d{1,2})\s+(?<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?<year>\d{2}|\d{4})\s+(?<hour>\d{1,2}):(?<minute>\d{2})(?::(?<second>\d{2}))?\s*(?<zone>[+-]\d{4}|[A-Za-z]{1,5})?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Rfc822();
}
