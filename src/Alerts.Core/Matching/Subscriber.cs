using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>One row of a ticker's subscriber index: who follows the ticker, and on what terms.</summary>
public sealed record Subscriber(string SubscriptionId, string Email, SubscriberRules Rules);
