using System.Diagnostics;
using System.Text.Json;
using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The body of an alert queue message, the same on every transport: UTF-8 JSON of <see cref="AlertsMatched"/>. On the
/// Storage queue, which has no message properties, the body also carries the W3C trace context of the enqueue
/// (<c>traceparent</c>, <c>tracestate</c>) as two more members of the same object, which readers that do not know them ignore.
/// </summary>
internal static class AlertsMessageCodec
{
    public static BinaryData Encode(AlertsMatched alerts, ActivityContext trace = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(alerts, InfrastructureJsonContext.Default.AlertsMatched);
        if (AlertsTelemetry.TraceParent(trace) is not { } traceParent)
        {
            return new BinaryData(body);
        }

        // {"messageId":...} and {"traceparent":...} joined into one object: the first without its '}', a comma, the second without its '{'.
        var envelope = JsonSerializer.SerializeToUtf8Bytes(new MessageTrace(traceParent, trace.TraceState), InfrastructureJsonContext.Default.MessageTrace);
        return new BinaryData([.. body.AsSpan(0, body.Length - 1), (byte)',', .. envelope.AsSpan(1)]);
    }

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

    /// <summary>The trace context a body carries; default when it carries none (a message sent before tracing, or by Service Bus).</summary>
    public static ActivityContext DecodeTrace(BinaryData body)
    {
        try
        {
            var trace = JsonSerializer.Deserialize(body.ToMemory().Span, InfrastructureJsonContext.Default.MessageTrace);
            return AlertsTelemetry.ParentFrom(trace?.Traceparent, trace?.Tracestate);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

/// <summary>The trace members of a Storage queue body (W3C Trace Context names).</summary>
internal sealed record MessageTrace(string? Traceparent, string? Tracestate);
