using Alerts.Core.Channels;
using Alerts.Core.Ratings;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// A validated <c>PUT /api/subscriptions/{id}</c> body: the same shape and rules as <see cref="SubscriptionRequest"/>;
/// it replaces the tickers, every rule and the delivery settings (a rule left out is cleared, <c>paused</c> left out is
/// false, delivery settings left out are instant in UTC). The address cannot be changed here: <see cref="Email"/> is null
/// when left out, and must otherwise be the subscription's own.
/// </summary>
public sealed record SubscriptionUpdate(string? Email, IReadOnlyList<string> Tickers, SubscriberRules Rules, Digests.DeliverySettings? Delivery = null)
{
    /// <summary>The channels wanted (those already there are kept as they are, new ones verified); null keeps the channels unchanged.</summary>
    public IReadOnlyList<Channel>? Channels { get; init; }

    public static Validated<SubscriptionUpdate> Parse(ReadOnlyMemory<byte> body, FirmDirectory firms)
    {
        var read = SubscriptionBody.Read(body, firms, emailRequired: false);
        return read.Errors.Count > 0
            ? Validated<SubscriptionUpdate>.Invalid(read.Errors)
            : Validated<SubscriptionUpdate>.Ok(new SubscriptionUpdate(read.Email, read.Tickers, read.Rules, read.Delivery) { Channels = read.Channels });
    }
}
