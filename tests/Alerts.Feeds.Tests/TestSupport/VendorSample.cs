using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>
/// The real vendor responses under VendorSamples/ (see its PROVENANCE.md), read unmodified, or rewritten in the test
/// (never on disk): moved in time by whole days (every date field: <c>gradeTime</c>, <c>updated</c>, <c>date</c>,
/// <c>publishedDate</c>, so a date stays a date and a time keeps its time of day), tickers renamed apart, records kept or
/// edited. Whatever is not rewritten stays as the vendor sent it.
/// </summary>
internal static class VendorSample
{
    public const string BenzingaAapl = "benzinga-calendar-ratings-AAPL-2024-01-12.json";
    public const string BenzingaExtra = "benzinga-calendar-ratings-extra-records.json";
    public const string FinnhubBynd = "finnhub-upgrade-downgrade-BYND.json";
    public const string FmpPriceTargetNewsAapl = "fmp-price-target-news-AAPL.json";
    public const string FmpGradesAapl = "fmp-stable-grades-AAPL.json";
    public const string FmpGradesNvda = "fmp-stable-grades-NVDA.json";
    public const string FmpGradesNewsAapl = "fmp-stable-grades-news-AAPL.json";
    public const string FmpV4UpgradesDowngrades = "fmp-v4-upgrades-downgrades-docs.json";

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "VendorSamples", name));

    /// <summary>The sample rewritten as asked; <paramref name="days"/> moves every date field.</summary>
    public static string Rewrite(
        string name,
        int days = 0,
        Func<string, string>? ticker = null,
        Func<JsonObject, bool>? keep = null,
        Action<JsonObject>? edit = null)
    {
        var root = JsonNode.Parse(Text(name))!;
        var records = root is JsonObject wrapper ? wrapper["ratings"]!.AsArray() : root.AsArray();
        foreach (var record in records.ToList())
        {
            var item = record!.AsObject();
            if (keep is not null && !keep(item))
            {
                records.Remove(record);
                continue;
            }

            Move(item, days);
            foreach (var field in new[] { "symbol", "ticker" })
            {
                if (ticker is not null && item[field]?.GetValue<string>() is { } value)
                {
                    item[field] = ticker(value);
                }
            }

            edit?.Invoke(item);
        }

        return root.ToJsonString();
    }

    /// <summary>The records of a sample, as JSON objects (to pick expectations from the sample itself).</summary>
    public static IReadOnlyList<JsonObject> Records(string name)
    {
        var root = JsonNode.Parse(Text(name))!;
        var records = root is JsonObject wrapper ? wrapper["ratings"]!.AsArray() : root.AsArray();
        return records.Select(r => r!.AsObject()).ToList();
    }

    /// <summary>Whole days from <paramref name="from"/> to <paramref name="to"/> (to move a sample's dates next to a test's clock).</summary>
    public static int DaysBetween(DateOnly from, DateOnly to) => to.DayNumber - from.DayNumber;

    private static void Move(JsonObject item, int days)
    {
        if (days == 0)
        {
            return;
        }

        foreach (var field in new[] { "gradeTime", "updated" })
        {
            if (item[field] is JsonValue unix && unix.TryGetValue<long>(out var seconds))
            {
                item[field] = seconds + (days * 86_400L);
            }
        }

        if (item["date"]?.GetValue<string>() is { Length: > 0 } date)
        {
            item["date"] = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (item["publishedDate"]?.GetValue<string>() is { Length: > 0 } published)
        {
            var at = DateTimeOffset.Parse(published, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            item["publishedDate"] = at.AddDays(days).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
    }
}
