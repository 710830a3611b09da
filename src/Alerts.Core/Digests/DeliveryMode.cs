using System.Text.Json.Serialization;

namespace Alerts.Core.Digests;

/// <summary>How a subscriber's alerts leave: one email each as they come, or one digest a day.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryMode>))]
public enum DeliveryMode
{
    /// <summary>One email per alert, at once (the default), unless quiet hours or the hourly cap hold it.</summary>
    [JsonStringEnumMemberName("instant")] Instant,

    /// <summary>Every alert waits for one email a day at <see cref="DeliverySettings.DigestTime"/>.</summary>
    [JsonStringEnumMemberName("digest")] Digest,
}

/// <summary>The wire names of <see cref="DeliveryMode"/>.</summary>
public static class DeliveryModes
{
    public static IReadOnlyList<string> All { get; } = ["instant", "digest"];

    public static string ToWireName(this DeliveryMode mode) => mode == DeliveryMode.Digest ? "digest" : "instant";

    /// <summary>"instant" or "digest", in any case, surrounding white space ignored.</summary>
    public static bool TryParse(string? value, out DeliveryMode mode)
    {
        mode = DeliveryMode.Instant;
        switch (value?.Trim().ToLowerInvariant())
        {
            case "instant":
                return true;
            case "digest":
                mode = DeliveryMode.Digest;
                return true;
            default:
                return false;
        }
    }
}
