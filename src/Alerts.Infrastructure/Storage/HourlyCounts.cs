using System.Globalization;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// What was counted in the last hour, kept in one text property as counts per minute
/// (<c>"&lt;unix seconds of the minute&gt;:&lt;count&gt;;..."</c>): at most 61 entries however high the limit, where one
/// timestamp per count grew past a property's 64 KiB at about 2,900 (a domain allowed 3,000 confirmations an hour
/// answered 500). A count leaves the window when its minute does, so up to 59 seconds early. Entries written before
/// (one unix second each, no count) are read as a count of one.
/// </summary>
internal sealed class HourlyCounts
{
    private readonly SortedDictionary<long, int> _byMinute = [];

    private HourlyCounts()
    {
    }

    /// <summary>The counts of <paramref name="text"/> still inside the hour before <paramref name="now"/>.</summary>
    public static HourlyCounts Parse(string? text, DateTimeOffset now)
    {
        var counts = new HourlyCounts();
        var windowStart = now.ToUnixTimeSeconds() - 3600;
        foreach (var entry in (text ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var start = long.Parse(colon < 0 ? entry : entry[..colon], CultureInfo.InvariantCulture);
            var count = colon < 0 ? 1 : int.Parse(entry[(colon + 1)..], CultureInfo.InvariantCulture);
            if (start > windowStart)
            {
                counts._byMinute[start] = counts._byMinute.GetValueOrDefault(start) + count;
            }
        }

        return counts;
    }

    public int Total => _byMinute.Values.Sum();

    /// <summary>Counts one more at <paramref name="now"/>.</summary>
    public void Add(DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        var minute = seconds - (seconds % 60);
        _byMinute[minute] = _byMinute.GetValueOrDefault(minute) + 1;
    }

    public override string ToString() => string.Join(';', _byMinute.Select(e => e.Key.ToString(CultureInfo.InvariantCulture) + ":" + e.Value.ToString(CultureInfo.InvariantCulture)));
}
