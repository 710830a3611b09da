using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Infrastructure.Feeds;

/// <summary>The stored form of <see cref="SymbolCursors"/>.</summary>
internal sealed record SavedSymbolCursors(IDictionary<string, SymbolCursor> Symbols);

/// <summary>Source-generated JSON for <see cref="SymbolCursors"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SavedSymbolCursors))]
internal sealed partial class SymbolCursorsJsonContext : JsonSerializerContext;
