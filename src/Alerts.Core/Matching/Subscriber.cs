using Alerts.Core.Digests;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// One row of a ticker's subscriber index: who follows the ticker, on what terms, and when to email them
/// (<see cref="Delivery"/> is null for an instant subscriber without quiet hours or a cap). <see cref="Compiled"/> is the
/// rules' checkable form, held by the row itself so that the check of a row reads no other object first.
/// </summary>
public sealed record Subscriber(string SubscriptionId, string Email, SubscriberRules Rules, DeliverySettings? Delivery = null)
{
    public CompiledRules Compiled { get; } = Rules.Compiled;
}
