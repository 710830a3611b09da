using System.Text.Json.Serialization;
using Alerts.Core.Channels;
using Alerts.Core.Digests;
using Alerts.Core.Ratings;

namespace Alerts.Core.Subscriptions;

[JsonConverter(typeof(JsonStringEnumConverter<SubscriptionStatus>))]
public enum SubscriptionStatus
{
    /// <summary>Created; waiting for the address's owner to open the confirmation link (double opt-in).</summary>
    [JsonStringEnumMemberName("pending")] Pending,

    /// <summary>Confirmed: alerts flow.</summary>
    [JsonStringEnumMemberName("active")] Active,
}

/// <summary>A subscriber's watchlist: one address, its tickers and the rules a change must pass.</summary>
public sealed record Subscription
{
    public required string Id { get; init; }

    public required string Email { get; init; }

    public required IReadOnlyList<string> Tickers { get; init; }

    public required SubscriberRules Rules { get; init; }

    /// <summary>When the alerts are emailed: at once (the default), or held for a digest (see <see cref="DeliveryPolicy"/>).</summary>
    public DeliverySettings Delivery { get; init; } = DeliverySettings.Instant;

    /// <summary>Where alerts go besides the email (webhook, Slack, Teams), verified when added; see <see cref="ChannelSetup"/>.</summary>
    public IReadOnlyList<Channel> Channels { get; init; } = [];

    public required SubscriptionStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; init; }
}
