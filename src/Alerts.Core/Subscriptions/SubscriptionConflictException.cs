namespace Alerts.Core.Subscriptions;

/// <summary>A subscription was changed by someone else each time we tried to write it: the caller may try again.</summary>
public sealed class SubscriptionConflictException(string id) : Exception($"Subscription {id} changed while it was being updated.")
{
    public string SubscriptionId { get; } = id;
}
