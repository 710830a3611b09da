using System.Diagnostics;
using System.Text.Json.Serialization;
using Alerts.Core.Ratings;

namespace Alerts.Core.Matching;

/// <summary>
/// The queue message: one change and the subscribers it matched (up to <see cref="DeliveryOptions.RecipientsPerMessage"/>).
/// <see cref="MessageId"/> is derived from the alert ids, so sending the same message again is a duplicate the queue can drop.
/// A message carrying a <see cref="DeadLetterReason"/> is one recipient the carrier refused for good, split off a larger
/// message so that it can be dead-lettered (and seen by an operator) on its own.
/// </summary>
public sealed record AlertsMatched(string MessageId, RatingChange Change, IReadOnlyList<AlertRecipient> Recipients, DateTimeOffset MatchedAt, string? DeadLetterReason = null)
{
    /// <summary>
    /// The trace of this change's match (so of the post that stored it): its dispatch continues it, also when the message
    /// carries several changes' alerts. The transport carries it (W3C <c>traceparent</c>); default when none was carried.
    /// </summary>
    [JsonIgnore]
    public ActivityContext Trace { get; init; }
}
