using System.Diagnostics;
using System.Text.Json;
using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The body of an alert queue message, the same on every transport: UTF-8 JSON. A message carrying one change's alerts is
/// the JSON of its <see cref="AlertsMatched"/>; one carrying several changes' (<see cref="Pack"/>) is
/// <c>{"messageId": ..., "alerts": [AlertsMatched, ...]}</c>. Both are read (<see cref="Decode"/>), so messages sent by an
/// earlier version are still delivered. On the Storage queue, which has no message properties, the body also carries the
/// W3C trace context of the enqueue (<c>traceparent</c>, <c>tracestate</c>) as two more members of the same object, which
/// readers that do not know them ignore; in a packed body each change's alerts also carry their own change's trace
/// (<see cref="AlertsMatched.Trace"/>) the same way, on every transport, so each change's dispatch continues its post's trace.
/// </summary>
internal static class AlertsMessageCodec
{
    /// <summary>The member of a packed body that holds its changes' alerts.</summary>
    private const string PackedMember = "alerts";

    /// <summary>What a packed body adds around its alerts: its id, the brackets and the trace members.</summary>
    private const int EnvelopeBytes = 256;

    /// <summary>
    /// At most the bytes one change's trace members add in a packed body: <c>,"traceparent":"00-…-01"</c> is 72, and
    /// <c>,"tracestate":"…"</c> 16 more than its value, which W3C Trace Context keeps to printable ASCII (escaped at most 6:1).
    /// </summary>
    private static int TraceBytes(ActivityContext trace) =>
        trace == default ? 0 : 72 + (trace.TraceState is { Length: > 0 } state ? 16 + 6 * state.Length : 0);

    /// <summary>One queue message to send: its id, what it carries and its body.</summary>
    public sealed record PackedMessage(string MessageId, IReadOnlyList<AlertsMatched> Alerts, BinaryData Body);

    /// <summary>A message read: its id and what it carries, one <see cref="AlertsMatched"/> per change.</summary>
    public sealed record DecodedMessage(string MessageId, IReadOnlyList<AlertsMatched> Alerts);

    /// <summary>
    /// Packs <paramref name="alerts"/>, in order, into as few messages as fit: consecutive ones share a message while its
    /// body stays within <paramref name="maxBytes"/> and its recipients within <paramref name="maxRecipients"/>. One carrying
    /// a <see cref="AlertsMatched.DeadLetterReason"/> travels alone (the dispatcher dead-letters the whole message it is in),
    /// and so does one too big to share. A message of several gets an id derived from all its alert ids, so sending the same
    /// alerts again is still a duplicate the queue can drop.
    /// </summary>
    public static IReadOnlyList<PackedMessage> Pack(IReadOnlyList<AlertsMatched> alerts, int maxBytes, int maxRecipients, ActivityContext trace = default)
    {
        var messages = new List<PackedMessage>();
        var group = new List<(AlertsMatched Alerts, byte[] Json)>();
        var bytes = EnvelopeBytes;
        var recipients = 0;
        foreach (var item in alerts)
        {
            // Serialized once; measured with room for its own trace members, which it carries when it shares a message.
            var json = JsonSerializer.SerializeToUtf8Bytes(item, InfrastructureJsonContext.Default.AlertsMatched);
            var size = json.Length + TraceBytes(item.Trace) + 1;
            var alone = item.DeadLetterReason is not null;
            if (group.Count > 0 && (alone || bytes + size > maxBytes || recipients + item.Recipients.Count > maxRecipients))
            {
                messages.Add(Packed(group, trace));
                group.Clear();
                bytes = EnvelopeBytes;
                recipients = 0;
            }

            group.Add((item, json));
            bytes += size;
            recipients += item.Recipients.Count;
            if (alone)
            {
                messages.Add(Packed(group, trace));
                group.Clear();
                bytes = EnvelopeBytes;
                recipients = 0;
            }
        }

        if (group.Count > 0)
        {
            messages.Add(Packed(group, trace));
        }

        return messages;
    }

    /// <summary>The body of a message carrying one change's alerts.</summary>
    public static BinaryData Encode(AlertsMatched alerts, ActivityContext trace = default) =>
        WithTrace(JsonSerializer.SerializeToUtf8Bytes(alerts, InfrastructureJsonContext.Default.AlertsMatched), trace);

    /// <summary>
    /// The message's id and what it carries (one or more changes' alerts), or null when the body is not an alert message
    /// (it is then dead-lettered, not retried).
    /// </summary>
    public static DecodedMessage? Decode(BinaryData body)
    {
        try
        {
            var json = body.ToMemory().Span;
            if (IsPacked(json))
            {
                var packed = JsonSerializer.Deserialize(json, InfrastructureJsonContext.Default.PackedAlerts);
                if (packed is not { MessageId: { } id, Alerts: { Count: > 0 } list } || !list.All(IsComplete))
                {
                    return null;
                }

                var traces = JsonSerializer.Deserialize(json, InfrastructureJsonContext.Default.PackedTraces)?.Alerts;
                return new DecodedMessage(id, list.Select((alerts, i) => traces is not null && i < traces.Count && traces[i] is { } trace
                    ? alerts with { Trace = AlertsTelemetry.ParentFrom(trace.Traceparent, trace.Tracestate) }
                    : alerts).ToList());
            }

            var alerts = JsonSerializer.Deserialize(json, InfrastructureJsonContext.Default.AlertsMatched);
            return alerts is not null && IsComplete(alerts) ? new DecodedMessage(alerts.MessageId, [alerts]) : null;
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

    private static PackedMessage Packed(List<(AlertsMatched Alerts, byte[] Json)> group, ActivityContext trace)
    {
        if (group is [var single])
        {
            return new PackedMessage(single.Alerts.MessageId, [single.Alerts], WithTrace(single.Json, trace));
        }

        var messageId = AlertIds.ForMessage(group.SelectMany(g => g.Alerts.Recipients.Select(r => r.AlertId)));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(group.Sum(g => g.Json.Length + TraceBytes(g.Alerts.Trace) + 1) + EnvelopeBytes);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId", messageId);
            writer.WriteStartArray(PackedMember);
            foreach (var (alerts, json) in group)
            {
                writer.WriteRawValue(WithTrace(json, alerts.Trace).ToMemory().Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return new PackedMessage(messageId, group.Select(g => g.Alerts).ToList(), WithTrace(buffer.WrittenSpan.ToArray(), trace));
    }

    /// <summary>
    /// The body with the trace members added: <c>{...}</c> and <c>{"traceparent":...}</c> joined into one object (the first
    /// without its '}', a comma, the second without its '{').
    /// </summary>
    private static BinaryData WithTrace(byte[] body, ActivityContext trace)
    {
        if (AlertsTelemetry.TraceParent(trace) is not { } traceParent)
        {
            return new BinaryData(body);
        }

        var envelope = JsonSerializer.SerializeToUtf8Bytes(new MessageTrace(traceParent, trace.TraceState), InfrastructureJsonContext.Default.MessageTrace);
        return new BinaryData([.. body.AsSpan(0, body.Length - 1), (byte)',', .. envelope.AsSpan(1)]);
    }

    private static bool IsComplete(AlertsMatched alerts) => alerts is { Change: not null, Recipients: not null };

    /// <summary>Whether the body is a packed one: an object with an <c>alerts</c> member (read without building anything).</summary>
    private static bool IsPacked(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(PackedMember))
            {
                return true;
            }

            reader.Read();
            reader.Skip();
        }

        return false;
    }
}

/// <summary>A body carrying several changes' alerts (see <see cref="AlertsMessageCodec.Pack"/>).</summary>
internal sealed record PackedAlerts(string? MessageId, IReadOnlyList<AlertsMatched>? Alerts);

/// <summary>The trace members of each change's alerts in a packed body.</summary>
internal sealed record PackedTraces(IReadOnlyList<MessageTrace?>? Alerts);

/// <summary>The trace members of a Storage queue body (W3C Trace Context names).</summary>
internal sealed record MessageTrace(string? Traceparent, string? Tracestate);
