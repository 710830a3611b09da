using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Core.Matching;

namespace Alerts.Infrastructure;

/// <summary>Source-generated JSON for what the adapters write: queue messages and list-valued table properties.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertsMatched))]
[JsonSerializable(typeof(Alerts.Core.Ratings.RatingChange))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<Alerts.Core.Channels.Channel>))]
[JsonSerializable(typeof(Queues.PoisonedMessage))]
[JsonSerializable(typeof(Queues.MessageTrace))]
[JsonSerializable(typeof(Queues.PackedAlerts))]
[JsonSerializable(typeof(Queues.PackedTraces))]
internal sealed partial class InfrastructureJsonContext : JsonSerializerContext;
