using Alerts.Core.Digests;

namespace Alerts.Core.Matching;

/// <summary>
/// One alert: a change for one subscriber. <see cref="AlertId"/> is deterministic (see <see cref="AlertIds"/>).
/// <see cref="Delivery"/> is the subscriber's delivery settings, copied from the index row; null for a plain instant
/// subscriber (and in messages queued before settings existed), so that those cost no extra bytes or reads.
/// <see cref="NotableOnly"/> is true for a subscriber who asked for notable calls only (null otherwise, for the same reason):
/// the dispatcher skips the alert when the change has no notable line.
/// </summary>
public sealed record AlertRecipient(string AlertId, string SubscriptionId, string Email, DeliverySettings? Delivery = null, bool? NotableOnly = null);
