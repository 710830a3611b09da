using System.Text.Json;
using Alerts.Core.Channels;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// The one reader of a subscription body, for both <c>POST</c> and <c>PUT</c>:
/// <code>
/// {"email": "...", "tickers": ["CIFR"],                       1 to 500 tickers
///  "actions": ["upgrade", "target_raise"],                     any of the eight actions
///  "firms": ["JPMorgan"], "excludeFirms": ["Citi"],            at most 100 names each, canonicalized
///  "minTargetChangePct": 10,                                   greater than 0, at most 1000
///  "minRating": "buy",                                         strong_sell | sell | hold | buy | strong_buy
///  "direction": "positive",                                    positive | negative | any
///  "paused": false,
///  "delivery": "digest", "timeZone": "Europe/Paris", ...       see DeliveryBody
///  "channels": [{"type": "webhook", "url": "https://..."}]     see Channels.ChannelBody (left out: null)
/// </code>
/// Members not listed here are ignored; <c>null</c> is the same as leaving a member out.
/// </summary>
internal static class SubscriptionBody
{
    internal sealed record Result(string? Email, IReadOnlyList<string> Tickers, SubscriberRules Rules, Digests.DeliverySettings Delivery, IReadOnlyList<ValidationError> Errors)
    {
        /// <summary>The channels asked for; null when the body leaves <c>channels</c> out.</summary>
        public IReadOnlyList<Channel>? Channels { get; init; }
    }

    public static Result Read(ReadOnlyMemory<byte> body, FirmDirectory firms, bool emailRequired)
    {
        if (!Security.UntrustedText.IsDecodableJson(body.Span))
        {
            return Fail(new ValidationError(null, "body", Ingest.RatingChangeParser.NotDecodable));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            return Fail(new ValidationError(null, "body", $"is not valid JSON: {ex.Message}"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail(new ValidationError(null, "body", "must be a JSON object"));
            }

            var errors = new List<ValidationError>();
            var email = ReadEmail(root, emailRequired, errors);
            var tickers = ReadTickers(root, errors);
            var actions = ReadActions(root, errors);
            var included = ReadFirms(root, "firms", firms, errors);
            var excluded = ReadFirms(root, "excludeFirms", firms, errors);
            for (var i = 0; i < excluded.Count; i++)
            {
                if (included.Contains(excluded[i], StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add(new ValidationError(null, $"excludeFirms[{i}]", "is also in firms: a firm cannot be both included and excluded"));
                }
            }

            var minTargetChangePct = ReadMinTargetChangePct(root, errors);
            var minRating = ReadMinRating(root, errors);
            var direction = ReadDirection(root, errors);
            var paused = ReadBoolean(root, "paused", errors);
            var notableOnly = ReadBoolean(root, "notableOnly", errors);

            var rules = new SubscriberRules
            {
                Actions = actions,
                Firms = included,
                ExcludeFirms = excluded,
                MinTargetChangePct = minTargetChangePct,
                MinRating = minRating,
                Direction = direction,
                Paused = paused,
                NotableOnly = notableOnly,
            };
            var delivery = DeliveryBody.Read(root, errors);
            var channels = ChannelBody.Read(root, errors);
            return new Result(email, tickers, rules, delivery, errors) { Channels = channels };
        }
    }

    private static string? ReadEmail(JsonElement root, bool required, List<ValidationError> errors)
    {
        if (!root.TryGetProperty("email", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new ValidationError(null, "email", "is required"));
            }

            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ValidationError(null, "email", "must be a string"));
            return null;
        }

        if (!SubscriptionRequest.TryNormalizeEmail(Security.UntrustedText.GetString(element)!, out var email, out var problem))
        {
            errors.Add(new ValidationError(null, "email", problem!));
            return null;
        }

        return email;
    }

    private static List<string> ReadTickers(JsonElement root, List<ValidationError> errors)
    {
        var tickers = new List<string>();
        if (!root.TryGetProperty("tickers", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new ValidationError(null, "tickers", $"is required: a list of 1 to {SubscriptionRequest.MaxTickers} tickers"));
            return tickers;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ValidationError(null, "tickers", "must be an array of strings"));
            return tickers;
        }

        var count = element.GetArrayLength();
        if (count is 0 or > SubscriptionRequest.MaxTickers)
        {
            errors.Add(new ValidationError(null, "tickers", $"must hold 1 to {SubscriptionRequest.MaxTickers} tickers; it holds {count}"));
            return tickers;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add(new ValidationError(null, $"tickers[{i}]", "must be a string"));
            }
            else if (!Tickers.TryNormalize(Security.UntrustedText.GetString(item), out var ticker, out var problem))
            {
                errors.Add(new ValidationError(null, $"tickers[{i}]", problem!));
            }
            else if (seen.Add(ticker))
            {
                tickers.Add(ticker);
            }

            i++;
        }

        return tickers;
    }

    private static List<RatingAction> ReadActions(JsonElement root, List<ValidationError> errors)
    {
        var actions = new List<RatingAction>();
        if (!root.TryGetProperty("actions", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return actions;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new ValidationError(null, "actions", "must be an array of strings"));
            return actions;
        }

        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && RatingActions.TryParse(item.GetString(), out var action))
            {
                if (!actions.Contains(action))
                {
                    actions.Add(action);
                }
            }
            else
            {
                errors.Add(new ValidationError(null, $"actions[{i}]", $"must be one of: {string.Join(", ", RatingActions.All)}"));
            }

            i++;
        }

        return actions;
    }

    private static List<string> ReadFirms(JsonElement root, string field, FirmDirectory firms, List<ValidationError> errors)
    {
        var names = new List<string>();
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return names;
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > SubscriptionRequest.MaxFirms)
        {
            errors.Add(new ValidationError(null, field, $"must be an array of at most {SubscriptionRequest.MaxFirms} firm names"));
            return names;
        }

        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? Security.UntrustedText.GetString(item)!.Trim() : null;
            if (string.IsNullOrEmpty(name) || name.Length > IngestLimits.MaxNameLength || name.Any(char.IsControl))
            {
                errors.Add(new ValidationError(null, $"{field}[{i}]", $"must be a firm name of 1 to {IngestLimits.MaxNameLength} characters"));
            }
            else
            {
                var canonical = firms.Canonicalize(name);
                if (!names.Contains(canonical))
                {
                    names.Add(canonical);
                }
            }

            i++;
        }

        return names;
    }

    private static decimal? ReadMinTargetChangePct(JsonElement root, List<ValidationError> errors)
    {
        if (!root.TryGetProperty("minTargetChangePct", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDecimal(out var min) || min <= 0 || min > 1000)
        {
            errors.Add(new ValidationError(null, "minTargetChangePct", "must be a number greater than 0 and at most 1000"));
            return null;
        }

        return min;
    }

    private static RatingLevel? ReadMinRating(JsonElement root, List<ValidationError> errors)
    {
        if (!root.TryGetProperty("minRating", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var level = element.ValueKind == JsonValueKind.String
            ? RatingLevels.FromWireName(element.GetString()!.Trim().ToLowerInvariant())
            : RatingLevel.Unknown;
        if (level == RatingLevel.Unknown)
        {
            errors.Add(new ValidationError(null, "minRating", $"must be one of: {string.Join(", ", SubscriptionRequest.RatingLevelNames)}"));
            return null;
        }

        return level;
    }

    private static NewsDirection ReadDirection(JsonElement root, List<ValidationError> errors)
    {
        if (!root.TryGetProperty("direction", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return NewsDirection.Any;
        }

        if (element.ValueKind != JsonValueKind.String || !NewsDirections.TryParse(element.GetString(), out var direction))
        {
            errors.Add(new ValidationError(null, "direction", $"must be one of: {string.Join(", ", NewsDirections.All)}"));
            return NewsDirection.Any;
        }

        return direction;
    }

    private static bool ReadBoolean(JsonElement root, string field, List<ValidationError> errors)
    {
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(new ValidationError(null, field, "must be true or false"));
            return false;
        }

        return element.GetBoolean();
    }

    private static Result Fail(ValidationError error) => new(null, [], SubscriberRules.Any, Digests.DeliverySettings.Instant, [error]);
}
