using System.Text.Json;

namespace Alerts.Core.Channels;

/// <summary>
/// Reads <c>"channels": [{"type": "webhook" | "slack" | "teams", "url": "https://..."}]</c> from a subscription body: at
/// most <see cref="Channel.MaxPerSubscription"/>, each an absolute http(s) URL of at most <see cref="Channel.MaxUrlLength"/>
/// characters, none twice. Whether the URL may be used (https, its addresses) and answers is <see cref="ChannelSetup"/>'s
/// question. Null when the member is left out (a <c>PUT</c> then keeps the channels).
/// </summary>
internal static class ChannelBody
{
    public static IReadOnlyList<Channel>? Read(JsonElement root, List<ValidationError> errors)
    {
        if (!root.TryGetProperty("channels", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > Channel.MaxPerSubscription)
        {
            errors.Add(new ValidationError(null, "channels", $"must be an array of at most {Channel.MaxPerSubscription} channels such as {{\"type\": \"webhook\", \"url\": \"https://...\"}}"));
            return [];
        }

        var channels = new List<Channel>();
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (Read(item, $"channels[{i}]", errors) is { } channel)
            {
                if (channels.Exists(c => c.Id == channel.Id))
                {
                    errors.Add(new ValidationError(null, $"channels[{i}].url", "is already in channels"));
                }
                else
                {
                    channels.Add(channel);
                }
            }

            i++;
        }

        return channels;
    }

    private static Channel? Read(JsonElement item, string field, List<ValidationError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError(null, field, "must be an object such as {\"type\": \"webhook\", \"url\": \"https://...\"}"));
            return null;
        }

        var typeOk = item.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String;
        if (!typeOk || !ChannelTypes.TryParse(typeElement.GetString(), out var type))
        {
            errors.Add(new ValidationError(null, field + ".type", $"must be one of: {string.Join(", ", ChannelTypes.All)}"));
            return null;
        }

        if (!item.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ValidationError(null, field + ".url", "is required: the receiver's https URL"));
            return null;
        }

        var text = Security.UntrustedText.GetString(urlElement)!.Trim();
        if (text.Length > Channel.MaxUrlLength)
        {
            errors.Add(new ValidationError(null, field + ".url", $"must be at most {Channel.MaxUrlLength} characters; it has {text.Length}"));
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || text.Any(char.IsControl) || url.HostNameType == UriHostNameType.Unknown)
        {
            errors.Add(new ValidationError(null, field + ".url", "must be an absolute https URL"));
            return null;
        }

        return new Channel(type, url.AbsoluteUri);
    }
}
