namespace Alerts.Core.Digests;

/// <summary>
/// A row of the due index: subscriber <see cref="SubscriptionId"/> has alerts held until <see cref="DueAt"/>.
/// <see cref="Version"/> is the row's ETag, so that removing it fails when an alert was held for that minute meanwhile.
/// </summary>
public sealed record DueDigest(string SubscriptionId, DateTimeOffset DueAt, string Version);
