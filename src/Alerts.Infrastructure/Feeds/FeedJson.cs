using System.Globalization;
using System.Text.Json;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Lenient reading of vendor JSON: strings that hold numbers ("18.00"), numbers where a string was documented, and
/// empty strings as absent. A value that is there but cannot be read throws <see cref="MalformedRecordException"/>, so
/// the record is skipped rather than read wrong.
/// </summary>
internal static class FeedJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>Parses a whole answer; invalid JSON is a <see cref="FeedFormatException"/>.</summary>
    public static JsonDocument Parse(byte[] body, string what)
    {
        try
        {
            ReadOnlyMemory<byte> json = body;
            if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                json = json[3..];
            }

            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            throw new FeedFormatException($"{what} answered invalid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The array a list endpoint answers; an error object in its place is a <see cref="FeedFormatException"/> quoting the error.</summary>
    public static JsonElement Array(JsonElement root, string what)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root;
        }

        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.Contains("error", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                {
                    throw new FeedFormatException($"{what} answered an error instead of records: {Shorten(property.Value.GetString())}");
                }
            }
        }

        throw new FeedFormatException($"{what} answered a JSON {root.ValueKind} where an array of records was expected");
    }

    /// <summary>A text field: a string (trimmed; empty is null) or a number's text.</summary>
    public static string? String(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() is { } s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null => null,
            _ => throw new MalformedRecordException($"'{name}' is a JSON {value.ValueKind}, not a string"),
        };
    }

    /// <summary>An amount: a number, or a string holding one ("18.00", "$1,200.50"); empty is null.</summary>
    public static decimal? Decimal(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when value.TryGetDecimal(out var number):
                return number;
            case JsonValueKind.String:
                var text = value.GetString()!.Trim().TrimStart('$').Trim();
                if (text.Length == 0)
                {
                    return null;
                }

                if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                throw new MalformedRecordException($"'{name}' is \"{Shorten(value.GetString())}\", not a number");
            default:
                throw new MalformedRecordException($"'{name}' is a JSON {value.ValueKind}, not a number");
        }
    }

    /// <summary>A whole number (unix seconds): a number or a string holding one; empty is null.</summary>
    public static long? Int64(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when value.TryGetInt64(out var number):
                return number;
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                if (text.Length == 0)
                {
                    return null;
                }

                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                throw new MalformedRecordException($"'{name}' is \"{Shorten(value.GetString())}\", not a whole number");
            default:
                throw new MalformedRecordException($"'{name}' is a JSON {value.ValueKind}, not a whole number");
        }
    }

    public static string Shorten(string? value) =>
        value is null ? string.Empty : value.Length <= 80 ? value : value[..80] + "...";
}
