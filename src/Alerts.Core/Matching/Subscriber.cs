using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// One row of a ticker's subscriber index: who follows the ticker, and on what terms. <see cref="Compiled"/> is the rules'
/// checkable form, held by the row itself so that the check of a row reads no other object first.
/// </summary>
public sealed record Subscriber(string SubscriptionId, string Email, SubscriberRules Rules)
{
    public CompiledRules Compiled { get; } = Rules.Compiled;
}
