using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// The cursor of a news feed: the newest item date seen, and the ids of the items of that very instant (so that an item
/// published in the same second as the last one read is read, and the last one is not read again).
/// </summary>
internal sealed record RssCursor(DateTimeOffset At, IReadOnlyList<string> Ids)
{
    /// <summary>Ids kept for one instant at most; a feed never puts more items on one second.</summary>
    public const int MaxIds = 200;

    public static RssCursor? Parse(string? cursor)
    {
        if (string.IsNullOrWhiteSpace(cursor))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(cursor, FeedsJsonContext.Default.RssCursor);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string Format() => JsonSerializer.Serialize(this, FeedsJsonContext.Default.RssCursor);
}

/// <summary>Source-generated JSON for the feed cursors.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RssCursor))]
internal sealed partial class FeedsJsonContext : JsonSerializerContext;
