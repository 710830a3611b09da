using System.Text.Json.Serialization;

namespace Alerts.Core.Digests;

/// <summary>
/// When a subscriber's alerts are emailed (see <see cref="DeliveryPolicy"/> for the rules). Copied, like the rules,
/// into every row of the per-ticker index and into each queued alert, so that dispatching needs no other read.
/// </summary>
public sealed record DeliverySettings
{
    /// <summary>The digest time when none is given: 08:00. (Declared before <see cref="Instant"/>, which reads it.)</summary>
    public static readonly TimeOnly DefaultDigestTime = new(8, 0);

    /// <summary>Instant, no quiet hours, no cap: what a subscription without settings gets.</summary>
    public static readonly DeliverySettings Instant = new();

    public const int MinPerHour = 1;
    public const int MaxPerHourLimit = 1000;

    public DeliveryMode Mode { get; init; } = DeliveryMode.Instant;

    /// <summary>An IANA time zone ("Europe/Paris"); null when never chosen, which means UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>When the daily digest leaves, in <see cref="TimeZone"/>. The default is 08:00.</summary>
    public TimeOnly DigestTime { get; init; } = DefaultDigestTime;

    /// <summary>No email in this stretch of local time: alerts are held and leave as one digest when it ends.</summary>
    public QuietHours? QuietHours { get; init; }

    /// <summary>At most this many instant emails per clock hour (1 to 1000); the rest wait for the next hour's digest. Null: no cap.</summary>
    public int? MaxPerHour { get; init; }

    /// <summary>Sent at once, always: the dispatcher needs no read and no write beyond today's path.</summary>
    [JsonIgnore]
    public bool IsPlainInstant => Mode == DeliveryMode.Instant && QuietHours is null && MaxPerHour is null;

    /// <summary>The zone the settings are in (UTC when none was chosen).</summary>
    [JsonIgnore]
    public TimeZoneInfo Zone => TimeZones.Find(TimeZone);
}
