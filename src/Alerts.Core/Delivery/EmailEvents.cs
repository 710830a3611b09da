using System.Text.Json;

namespace Alerts.Core.Delivery;

/// <summary>One event of SendGrid's Event Webhook that matters to us.</summary>
public sealed record EmailEvent(string Email, string Event, string? Reason);

/// <summary>
/// Reads SendGrid's Event Webhook body (a JSON array of events) and suppresses every address that must not be
/// emailed again: <c>bounce</c> (not the temporary <c>blocked</c> kind), <c>dropped</c>, <c>spamreport</c>,
/// <c>unsubscribe</c>, <c>group_unsubscribe</c>. Other events (delivered, open, click, deferred) change nothing.
/// </summary>
public sealed class EmailEventProcessor(ISuppressionList suppressions, TimeProvider time)
{
    private static readonly HashSet<string> Suppressing = new(StringComparer.OrdinalIgnoreCase)
    {
        "bounce", "dropped", "spamreport", "unsubscribe", "group_unsubscribe",
    };

    /// <summary>The events, or null when the body is not an array of event objects.</summary>
    public static IReadOnlyList<EmailEvent>? Parse(ReadOnlyMemory<byte> body)
    {
        if (!Security.UntrustedText.IsDecodableJson(body.Span))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var events = new List<EmailEvent>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("email", out var email) || email.ValueKind != JsonValueKind.String
                    || !item.TryGetProperty("event", out var kind) || kind.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var reason = item.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : type;
                var name = kind.GetString()!;
                if (string.Equals(name, "bounce", StringComparison.OrdinalIgnoreCase) && string.Equals(type, "blocked", StringComparison.OrdinalIgnoreCase))
                {
                    name = "blocked";
                }

                events.Add(new EmailEvent(Security.UntrustedText.GetString(email)!, name, reason));
            }

            return events;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Suppresses the addresses of the suppressing events; returns how many events suppressed an address.</summary>
    public async Task<int> ProcessAsync(IReadOnlyList<EmailEvent> events, CancellationToken cancellationToken)
    {
        var suppressed = 0;
        foreach (var e in events.Where(e => Suppressing.Contains(e.Event)))
        {
            await suppressions.SuppressAsync(e.Email, e.Reason is null ? e.Event : $"{e.Event}: {e.Reason}", time.GetUtcNow(), cancellationToken);
            suppressed++;
        }

        return suppressed;
    }
}
