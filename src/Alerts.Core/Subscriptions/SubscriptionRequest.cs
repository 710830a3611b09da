using System.Net.Mail;
using System.Text.Json;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;

namespace Alerts.Core.Subscriptions;

/// <summary>A validated <c>POST /api/subscriptions</c> body.</summary>
public sealed partial record SubscriptionRequest(string Email, IReadOnlyList<string> Tickers, SubscriberRules Rules)
{
    public const int MaxTickers = 500;
    public const int MaxEmailLength = 254;
    public const int MaxFirms = 100;

    public static Validated<SubscriptionRequest> Parse(ReadOnlyMemory<byte> body, FirmDirectory firms)
    {
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

            string? email = null;
            if (!root.TryGetProperty("email", out var emailElement) || emailElement.ValueKind == JsonValueKind.Null)
            {
                errors.Add(new ValidationError(null, "email", "is required"));
            }
            else if (emailElement.ValueKind != JsonValueKind.String)
            {
                errors.Add(new ValidationError(null, "email", "must be a string"));
            }
            else if (!TryNormalizeEmail(emailElement.GetString()!, out email, out var problem))
            {
                errors.Add(new ValidationError(null, "email", problem!));
            }

            var tickers = new List<string>();
            if (!root.TryGetProperty("tickers", out var tickersElement) || tickersElement.ValueKind == JsonValueKind.Null)
            {
                errors.Add(new ValidationError(null, "tickers", "is required: a list of 1 to 500 tickers"));
            }
            else if (tickersElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new ValidationError(null, "tickers", "must be an array of strings"));
            }
            else
            {
                var count = tickersElement.GetArrayLength();
                if (count is 0 or > MaxTickers)
                {
                    errors.Add(new ValidationError(null, "tickers", $"must hold 1 to {MaxTickers} tickers; it holds {count}"));
                }
                else
                {
                    var i = 0;
                    foreach (var item in tickersElement.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            errors.Add(new ValidationError(null, $"tickers[{i}]", "must be a string"));
                        }
                        else if (!Ingest.Tickers.TryNormalize(item.GetString(), out var ticker, out var problem))
                        {
                            errors.Add(new ValidationError(null, $"tickers[{i}]", problem!));
                        }
                        else if (!tickers.Contains(ticker))
                        {
                            tickers.Add(ticker);
                        }

                        i++;
                    }
                }
            }

            var actions = new List<RatingAction>();
            if (root.TryGetProperty("actions", out var actionsElement) && actionsElement.ValueKind != JsonValueKind.Null)
            {
                if (actionsElement.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new ValidationError(null, "actions", "must be an array of strings"));
                }
                else
                {
                    var i = 0;
                    foreach (var item in actionsElement.EnumerateArray())
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
                }
            }

            var firmNames = new List<string>();
            if (root.TryGetProperty("firms", out var firmsElement) && firmsElement.ValueKind != JsonValueKind.Null)
            {
                if (firmsElement.ValueKind != JsonValueKind.Array || firmsElement.GetArrayLength() > MaxFirms)
                {
                    errors.Add(new ValidationError(null, "firms", $"must be an array of at most {MaxFirms} firm names"));
                }
                else
                {
                    var i = 0;
                    foreach (var item in firmsElement.EnumerateArray())
                    {
                        var name = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
                        if (string.IsNullOrEmpty(name) || name.Length > IngestLimits.MaxNameLength || name.Any(char.IsControl))
                        {
                            errors.Add(new ValidationError(null, $"firms[{i}]", $"must be a firm name of 1 to {IngestLimits.MaxNameLength} characters"));
                        }
                        else
                        {
                            var canonical = firms.Canonicalize(name);
                            if (!firmNames.Contains(canonical))
                            {
                                firmNames.Add(canonical);
                            }
                        }

                        i++;
                    }
                }
            }

            decimal? minTargetChangePct = null;
            if (root.TryGetProperty("minTargetChangePct", out var minElement) && minElement.ValueKind != JsonValueKind.Null)
            {
                if (minElement.ValueKind != JsonValueKind.Number || !minElement.TryGetDecimal(out var min) || min <= 0 || min > 1000)
                {
                    errors.Add(new ValidationError(null, "minTargetChangePct", "must be a number greater than 0 and at most 1000"));
                }
                else
                {
                    minTargetChangePct = min;
                }
            }

            if (errors.Count > 0)
            {
                return Validated<SubscriptionRequest>.Invalid(errors);
            }

            return Validated<SubscriptionRequest>.Ok(new SubscriptionRequest(
                email!,
                tickers,
                new SubscriberRules { Actions = actions, Firms = firmNames, MinTargetChangePct = minTargetChangePct }));
        }
    }

    /// <summary>One plain address (no display name, no list, no CR/LF), at most 254 characters, domain lower-cased.</summary>
    public static bool TryNormalizeEmail(string value, out string? email, out string? problem)
    {
        email = null;
        problem = null;
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            problem = "is required";
            return false;
        }

        if (trimmed.Length > MaxEmailLength)
        {
            problem = $"must be at most {MaxEmailLength} characters";
            return false;
        }

        if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is ',' or ';' or '<' or '>' or '"'))
        {
            problem = "must be one plain address such as ana@example.com";
            return false;
        }

        if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed)
        {
            problem = "is not a valid email address";
            return false;
        }

        var at = trimmed.LastIndexOf('@');
        var domain = trimmed[(at + 1)..];
        if (at <= 0 || !HostName().IsMatch(domain))
        {
            problem = "is not a valid email address";
            return false;
        }

        email = trimmed[..at] + "@" + domain.ToLowerInvariant();
        return true;
    }

    /// <summary>A DNS host name with a top-level domain: no IP literals, no label starting or ending with a hyphen.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial System.Text.RegularExpressions.Regex HostName();

    private static Validated<SubscriptionRequest> Fail(ValidationError error) => Validated<SubscriptionRequest>.Invalid([error]);
}
