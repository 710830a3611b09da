using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>
/// Reads rating changes from a JSON object, a JSON array or NDJSON, and validates every field of every item.
/// Everything wrong is reported (by item index and field), so that a sender can fix a batch in one go.
/// </summary>
public static partial class RatingChangeParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    /// <summary>Parses a JSON object or array.</summary>
    public static Validated<IReadOnlyList<RatingChangeSubmission>> ParseJson(ReadOnlyMemory<byte> body, TimeProvider time)
    {
        if (!Security.UntrustedText.IsDecodableJson(body.Span))
        {
            return Invalid(null, "body", NotDecodable);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(WithoutByteOrderMark(body), DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Invalid(null, "body", $"is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    return Collect([(0, root)], time, []);
                case JsonValueKind.Array:
                    var count = root.GetArrayLength();
                    if (count == 0)
                    {
                        return Invalid(null, "body", "is an empty array: send at least one change");
                    }

                    if (count > IngestLimits.MaxChanges)
                    {
                        throw new TooManyChangesException(count);
                    }

                    return Collect(root.EnumerateArray().Select((item, index) => (index, item)).ToList(), time, []);
                default:
                    return Invalid(null, "body", "must be a JSON object or an array of objects");
            }
        }
    }

    /// <summary>Parses NDJSON: one JSON object per line; blank lines are skipped.</summary>
    public static Validated<IReadOnlyList<RatingChangeSubmission>> ParseNdjson(ReadOnlyMemory<byte> body, TimeProvider time)
    {
        body = WithoutByteOrderMark(body);
        var documents = new List<JsonDocument>();
        var items = new List<(int Index, JsonElement Item)>();
        var errors = new List<ValidationError>();
        try
        {
            var span = body.Span;
            var start = 0;
            var index = 0;
            while (start <= span.Length)
            {
                var end = span[start..].IndexOf((byte)'\n');
                var lineEnd = end < 0 ? span.Length : start + end;
                var line = body[start..lineEnd];
                if (!IsBlank(line.Span))
                {
                    if (index >= IngestLimits.MaxChanges)
                    {
                        throw new TooManyChangesException(index + 1);
                    }

                    if (!Security.UntrustedText.IsDecodableJson(line.Span))
                    {
                        errors.Add(new ValidationError(index, "line", NotDecodable));
                    }
                    else
                    {
                        try
                        {
                            var document = JsonDocument.Parse(line, DocumentOptions);
                            documents.Add(document);
                            items.Add((index, document.RootElement));
                        }
                        catch (JsonException ex)
                        {
                            errors.Add(new ValidationError(index, "line", $"is not valid JSON: {ex.Message}"));
                        }
                    }

                    index++;
                }

                if (end < 0)
                {
                    break;
                }

                start = lineEnd + 1;
            }

            if (index == 0)
            {
                return Invalid(null, "body", "holds no changes");
            }

            return Collect(items, time, errors);
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    private static Validated<IReadOnlyList<RatingChangeSubmission>> Collect(
        IReadOnlyList<(int Index, JsonElement Item)> items, TimeProvider time, List<ValidationError> errors)
    {
        var submissions = new List<RatingChangeSubmission>(items.Count);
        var now = time.GetUtcNow();
        foreach (var (index, item) in items)
        {
            var submission = ParseItem(item, index, now, errors);
            if (submission is not null)
            {
                submissions.Add(submission);
            }
        }

        return errors.Count == 0
            ? Validated<IReadOnlyList<RatingChangeSubmission>>.Ok(submissions)
            : Validated<IReadOnlyList<RatingChangeSubmission>>.Invalid(errors.OrderBy(e => e.Index).ToList());
    }

    private static RatingChangeSubmission? ParseItem(JsonElement item, int index, DateTimeOffset now, List<ValidationError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ValidationError(index, "item", "must be a JSON object"));
            return null;
        }

        var before = errors.Count;
        var reader = new ItemReader(item, index, errors);

        // No cap here: Tickers.TryNormalize names the real limit (12) whatever the length.
        var tickerText = reader.String("ticker", int.MaxValue);
        string ticker = string.Empty;
        if (tickerText is null)
        {
            if (!errors.Any(e => e.Index == index && e.Field == "ticker"))
            {
                errors.Add(new ValidationError(index, "ticker", "is required"));
            }
        }
        else if (!Tickers.TryNormalize(tickerText, out ticker, out var tickerProblem))
        {
            errors.Add(new ValidationError(index, "ticker", tickerProblem!));
        }

        var firm = reader.String("firm", IngestLimits.MaxNameLength);
        if (firm is null && !errors.Any(e => e.Index == index && e.Field == "firm"))
        {
            errors.Add(new ValidationError(index, "firm", "is required"));
        }

        var senderId = reader.StringOrNumber("id", IngestLimits.MaxSenderIdLength);
        var company = reader.String("company", IngestLimits.MaxNameLength);
        var analyst = reader.String("analyst", IngestLimits.MaxNameLength);
        var fromRating = reader.String("fromRating", IngestLimits.MaxRatingLength);
        var toRating = reader.String("toRating", IngestLimits.MaxRatingLength);
        var source = reader.String("source", IngestLimits.MaxNameLength);
        var fromTarget = reader.Target("fromTarget");
        var toTarget = reader.Target("toTarget");

        RatingAction? action = null;
        var actionText = reader.String("action", 40);
        if (actionText is not null)
        {
            if (RatingActions.TryParse(actionText, out var parsed))
            {
                action = parsed;
            }
            else
            {
                errors.Add(new ValidationError(index, "action", $"'{Shorten(actionText)}' is not one of: {string.Join(", ", RatingActions.All)}"));
            }
        }

        var currency = reader.String("currency", 3);
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
        {
            errors.Add(new ValidationError(index, "currency", "must be a three-letter ISO 4217 code such as USD"));
        }

        DateTimeOffset? publishedAt = null;
        var publishedText = reader.String("publishedAt", 64);
        if (publishedText is not null)
        {
            if (TryParseIsoDate(publishedText, out var published))
            {
                if (published > now.AddDays(1))
                {
                    errors.Add(new ValidationError(index, "publishedAt", "is more than a day in the future"));
                }
                else
                {
                    publishedAt = published;
                }
            }
            else
            {
                errors.Add(new ValidationError(index, "publishedAt", $"'{Shorten(publishedText)}' is not an ISO 8601 date and time such as 2025-12-02T13:30:00Z"));
            }
        }

        var url = reader.String("url", IngestLimits.MaxUrlLength);
        if (url is not null
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add(new ValidationError(index, "url", "must be an absolute http or https URL"));
        }

        if (errors.Count == before && action is null && fromRating is null && toRating is null && fromTarget is null && toTarget is null)
        {
            errors.Add(new ValidationError(index, "item", "says nothing: give an action, a rating or a price target"));
        }

        if (errors.Count != before)
        {
            return null;
        }

        return new RatingChangeSubmission
        {
            SenderId = senderId,
            Ticker = ticker,
            Company = company,
            Firm = firm!,
            Analyst = analyst,
            Action = action,
            FromRating = fromRating,
            ToRating = toRating,
            FromTarget = fromTarget,
            ToTarget = toTarget,
            Currency = currency,
            PublishedAt = publishedAt,
            Source = source,
            Url = url,
        };
    }

    /// <summary>
    /// ISO 8601 only ("2025-12-02", "2025-12-02T13:30:00Z", "2025-12-02T08:30:00-05:00"); no offset means UTC.
    /// "12/02/2025" is refused rather than read in one country's order.
    /// </summary>
    public static bool TryParseIsoDate(string text, out DateTimeOffset value)
    {
        value = default;
        return IsoDate().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>A UTF-8 byte order mark is allowed before JSON (some Windows tools write one); it is skipped.</summary>
    private static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? body[3..] : body;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    /// <summary>What is said of JSON that is not UTF-8 or whose string escapes make no text.</summary>
    internal const string NotDecodable = "is not valid UTF-8 text, or a string in it holds a lone surrogate (such as \\ud800)";

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static Validated<IReadOnlyList<RatingChangeSubmission>> Invalid(int? index, string field, string message) =>
        Validated<IReadOnlyList<RatingChangeSubmission>>.Invalid([new ValidationError(index, field, message)]);

    /// <summary>Reads typed fields of one item, adding an error for each that has the wrong type or size.</summary>
    private readonly struct ItemReader(JsonElement item, int index, List<ValidationError> errors)
    {
        public string? String(string name, int maxLength)
        {
            if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                errors.Add(new ValidationError(index, name, "must be a string"));
                return null;
            }

            return Check(name, value.GetString()!, maxLength);
        }

        public string? StringOrNumber(string name, int maxLength)
        {
            if (item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                return value.GetRawText();
            }

            return String(name, maxLength);
        }

        public decimal? Target(string name)
        {
            if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var amount))
            {
                errors.Add(new ValidationError(index, name, "must be a number"));
                return null;
            }

            if (amount <= 0 || amount > IngestLimits.MaxTarget)
            {
                errors.Add(new ValidationError(index, name, $"must be greater than 0 and at most {IngestLimits.MaxTarget:0}"));
                return null;
            }

            return amount;
        }

        private string? Check(string name, string text, int maxLength)
        {
            var trimmed = Security.UntrustedText.StripInvisible(text).Trim();
            if (trimmed.Length == 0)
            {
                return null;
            }

            if (trimmed.Length > maxLength)
            {
                errors.Add(new ValidationError(index, name, $"must be at most {maxLength} characters"));
                return null;
            }

            if (trimmed.Any(char.IsControl))
            {
                errors.Add(new ValidationError(index, name, "must not contain control characters"));
                return null;
            }

            return trimmed;
        }
    }
}

/// <summary>A batch larger than <see cref="IngestLimits.MaxChanges"/>: answered with 413.</summary>
public sealed class TooManyChangesException(int count)
    : Exception($"A batch may hold at most {IngestLimits.MaxChanges} changes; this one holds {count} or more.")
{
    public int Count { get; } = count;
}
