using System.Net.Mail;
using Alerts.Core.Channels;
using Alerts.Core.Ratings;

namespace Alerts.Core.Subscriptions;

/// <summary>A validated <c>POST /api/subscriptions</c> body (see <see cref="SubscriptionBody"/> for the fields).</summary>
public sealed partial record SubscriptionRequest(string Email, IReadOnlyList<string> Tickers, SubscriberRules Rules, Digests.DeliverySettings? Delivery = null)
{
    /// <summary>The channels besides email, not yet verified (see <see cref="ChannelSetup"/>).</summary>
    public IReadOnlyList<Channel> Channels { get; init; } = [];

    public const int MaxTickers = 500;
    public const int MaxEmailLength = 254;
    public const int MaxFirms = 100;

    /// <summary>The levels a <c>minRating</c> may name, on the common scale.</summary>
    public static IReadOnlyList<string> RatingLevelNames { get; } = ["strong_sell", "sell", "hold", "buy", "strong_buy"];

    /// <summary>
    /// Reads and validates a <c>POST /api/subscriptions</c> body: <c>email</c> and <c>tickers</c> required, the rules
    /// optional. Every problem is reported at once, each naming its field (<c>tickers[3]</c>, <c>excludeFirms[0]</c>...).
    /// </summary>
    public static Validated<SubscriptionRequest> Parse(ReadOnlyMemory<byte> body, FirmDirectory firms)
    {
        var read = SubscriptionBody.Read(body, firms, emailRequired: true);
        return read.Errors.Count > 0
            ? Validated<SubscriptionRequest>.Invalid(read.Errors)
            : Validated<SubscriptionRequest>.Ok(new SubscriptionRequest(read.Email!, read.Tickers, read.Rules, read.Delivery) { Channels = read.Channels ?? [] });
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
}
