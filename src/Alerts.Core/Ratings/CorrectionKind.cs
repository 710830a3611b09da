using System.Text.Json.Serialization;

namespace Alerts.Core.Ratings;

/// <summary>What a source did to a rating change it had published: corrected it, or withdrew it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CorrectionKind>))]
public enum CorrectionKind
{
    [JsonStringEnumMemberName("corrected")] Corrected,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}
