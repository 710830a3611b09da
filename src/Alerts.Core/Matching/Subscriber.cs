using Alerts.Core.Channels;
using Alerts.Core.Digests;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// One row of a ticker's subscriber index: who follows the ticker, on what terms, and when to email them
/// (<see cref="Delivery"/> is null for an instant subscriber without quiet hours or a cap). Matching reads rows a page at
/// a time (<see cref="SubscriberPage"/>); this is one row on its own, for listings and for building pages.
/// <see cref="Compiled"/> is the rules' checkable form (shared by every equal rule set, see <see cref="CompiledRules.Compile"/>).
/// </summary>
public sealed record Subscriber(string SubscriptionId, string Email, SubscriberRules Rules, DeliverySettings? Delivery = null)
{
    public CompiledRules Compiled { get; } = Rules.Compiled;

    /// <summary>The subscriber's channels besides email (webhook, Slack, Teams), copied into the index row; null when none.</summary>
    public IReadOnlyList<Channel>? Channels { get; init; }
}
