namespace Alerts.Core.Matching;

/// <summary>One alert: a change for one subscriber. <see cref="AlertId"/> is deterministic (see <see cref="AlertIds"/>).</summary>
public sealed record AlertRecipient(string AlertId, string SubscriptionId, string Email);
