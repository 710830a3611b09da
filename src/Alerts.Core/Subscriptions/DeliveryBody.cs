using System.Globalization;
using System.Text.Json;
using Alerts.Core.Digests;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// The delivery members of a subscription body (read by <see cref="SubscriptionBody"/>):
/// <code>
/// {"delivery": "digest",                                       instant (the default) | digest
///  "timeZone": "Europe/Paris",                                 an IANA zone; default UTC
///  "digestTime": "07:30",                                      HH:mm, 24-hour, local; default 08:00
///  "quietHours": {"start": "22:00", "end": "07:00"},           HH:mm each, different; may wrap midnight
///  "maxPerHour": 10}                                           instant emails per clock hour, 1 to 1000; absent: no cap
/// </code>
/// </summary>
internal static class DeliveryBody
{
    public static DeliverySettings Read(JsonElement root, List<ValidationError> errors)
    {
        var mode = DeliveryMode.Instant;
        if (Member(root, "delivery") is { } delivery
            && (delivery.ValueKind != JsonValueKind.String || !DeliveryModes.TryParse(delivery.GetString(), out mode)))
        {
            errors.Add(new ValidationError(null, "delivery", $"must be one of: {string.Join(", ", DeliveryModes.All)}"));
        }

        string? zone = null;
        if (Member(root, "timeZone") is { } timeZone)
        {
            zone = timeZone.ValueKind == JsonValueKind.String ? Security.UntrustedText.GetString(timeZone)!.Trim() : null;
            if (!TimeZones.IsValid(zone))
            {
                errors.Add(new ValidationError(null, "timeZone", "must be an IANA time zone such as Europe/Paris or America/New_York"));
                zone = null;
            }
        }

        var digestTime = DeliverySettings.DefaultDigestTime;
        if (Member(root, "digestTime") is { } digest && !TryReadTime(digest, out digestTime))
        {
            errors.Add(new ValidationError(null, "digestTime", TimeProblem));
        }

        var quietHours = ReadQuietHours(root, errors);

        int? maxPerHour = null;
        if (Member(root, "maxPerHour") is { } max)
        {
            if (max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var cap) && cap is >= DeliverySettings.MinPerHour and <= DeliverySettings.MaxPerHourLimit)
            {
                maxPerHour = cap;
            }
            else
            {
                errors.Add(new ValidationError(null, "maxPerHour", $"must be a whole number from {DeliverySettings.MinPerHour} to {DeliverySettings.MaxPerHourLimit}, or left out for no cap"));
            }
        }

        return new DeliverySettings { Mode = mode, TimeZone = zone, DigestTime = digestTime, QuietHours = quietHours, MaxPerHour = maxPerHour };
    }

    private const string TimeProblem = "must be a time of day as HH:mm, 24-hour (00:00 to 23:59)";

    private static QuietHours? ReadQuietHours(JsonElement root, List<ValidationError> errors)
    {
        if (Member(root, "quietHours") is not { } quiet)
        {
            return null;
        }

        if (quiet.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError(null, "quietHours", "must be an object such as {\"start\": \"22:00\", \"end\": \"07:00\"}, or null for none"));
            return null;
        }

        var startOk = TryReadTime(Member(quiet, "start"), out var start);
        var endOk = TryReadTime(Member(quiet, "end"), out var end);
        if (!startOk)
        {
            errors.Add(new ValidationError(null, "quietHours.start", TimeProblem));
        }

        if (!endOk)
        {
            errors.Add(new ValidationError(null, "quietHours.end", TimeProblem));
        }

        if (startOk && endOk && start == end)
        {
            errors.Add(new ValidationError(null, "quietHours.end", "must differ from quietHours.start"));
        }

        return startOk && endOk && start != end ? new QuietHours(start, end) : null;
    }

    private static bool TryReadTime(JsonElement? element, out TimeOnly time)
    {
        time = default;
        return element is { ValueKind: JsonValueKind.String } value
            && value.GetString() is { Length: 5 } text
            && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    /// <summary>The member, or null when it is missing or <c>null</c> (the same as leaving it out).</summary>
    private static JsonElement? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
