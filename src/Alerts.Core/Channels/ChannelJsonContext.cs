using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Core.Channels;

/// <summary>Source-generated JSON of the channel messages: the queue message, and a change as the API shows it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChannelDelivery))]
[JsonSerializable(typeof(Ratings.RatingChange))]
internal sealed partial class ChannelJsonContext : JsonSerializerContext;
