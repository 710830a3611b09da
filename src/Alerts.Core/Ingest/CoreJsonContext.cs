using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Core.Ingest;

/// <summary>Source-generated JSON for the messages Alerts.Core defines.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChangesStored))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
