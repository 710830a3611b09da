using Alerts.Core.Ratings;

namespace Alerts.Core.Digests;

/// <summary>An alert waiting for its subscriber's next digest, due at <see cref="DueAt"/>.</summary>
public sealed record HeldAlert(string AlertId, string SubscriptionId, RatingChange Change, DateTimeOffset DueAt, DateTimeOffset HeldAt);
