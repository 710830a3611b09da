using System.Text.Json;
using Alerts.Core.Matching;

namespace Alerts.Infrastructure.Queues;

/// <summary>The body of an alert queue message, the same on every transport: UTF-8 JSON of <see cref="AlertsMatched"/>.</summary>
internal static class AlertsMessageCodec
{
    public static BinaryData Encode(AlertsMatched alerts) =>
        new(JsonSerializer.SerializeToUtf8Bytes(alerts, InfrastructureJsonContext.Default.AlertsMatched));

    /// <summary>The message, or null when the body is not one (it is then dead-lettered, not retried).</summary>
    public static AlertsMatched? Decode(BinaryData body)
    {
        try
        {
            var alerts = JsonSerializer.Deserialize(body.ToMemory().Span, InfrastructureJsonContext.Default.AlertsMatched);
            return alerts is { Change: not null, Recipients: not null } ? alerts : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
