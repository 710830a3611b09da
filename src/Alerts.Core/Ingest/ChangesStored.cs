using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Core.Diagnostics;
using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>
/// The message that asks for the fan-out of stored changes (queue <see cref="QueueName"/>):
/// <c>{"changes": [{"ticker": "CIFR", "id": "..."}], "traceparent": "00-..."}</c>. It names the changes and carries
/// nothing else of them: <see cref="FanOutHandler"/> reads each one's stored state, so a message delivered twice, or
/// late, does nothing for a change already dispatched.
/// </summary>
public sealed record ChangesStored(IReadOnlyList<StoredChange> Changes)
{
    /// <summary>The Storage queue these messages travel on.</summary>
    public const string QueueName = "changes";

    /// <summary>The Storage queue a message goes to after its last failed attempt (the Functions host's own naming).</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    /// <summary>The most changes one message names: about 70 bytes each, well inside a Storage queue message's 64 KiB.</summary>
    public const int MaxChanges = 100;

    /// <summary>The W3C <c>traceparent</c> of the post that stored the changes, so their fan-out continues its trace.</summary>
    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }

    [JsonIgnore]
    public ActivityContext Parent => AlertsTelemetry.ParentFrom(TraceParent, null);

    /// <summary>The messages for <paramref name="changes"/>: the changes of one ticker together, at most <see cref="MaxChanges"/> a message.</summary>
    public static IReadOnlyList<ChangesStored> For(IEnumerable<RatingChange> changes, ActivityContext parent = default) =>
        changes.DistinctBy(c => (c.Ticker, c.Id))
            .GroupBy(c => c.Ticker, StringComparer.Ordinal)
            .SelectMany(ticker => ticker.Chunk(MaxChanges))
            .Select(chunk => new ChangesStored(chunk.Select(c => new StoredChange(c.Ticker, c.Id)).ToList()) { TraceParent = AlertsTelemetry.TraceParent(parent) })
            .ToList();

    public string ToJson() => JsonSerializer.Serialize(this, CoreJsonContext.Default.ChangesStored);

    /// <summary>Reads a message; throws <see cref="FormatException"/> when it is not one (the queue then retries it and sets it aside).</summary>
    public static ChangesStored Parse(string json)
    {
        try
        {
            if (JsonSerializer.Deserialize(json, CoreJsonContext.Default.ChangesStored) is { Changes: { } named } message
                && named.All(c => !string.IsNullOrEmpty(c?.Ticker) && !string.IsNullOrEmpty(c.Id)))
            {
                return message;
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException("The message is not a ChangesStored message: " + ex.Message, ex);
        }

        throw new FormatException("The message is not a ChangesStored message: it names no ticker and id.");
    }
}
