using Alerts.Core.Ratings;

namespace Alerts.Core.Matching;

/// <summary>
/// The queue message: one change and the subscribers it matched (up to <see cref="DeliveryOptions.RecipientsPerMessage"/>).
/// <see cref="MessageId"/> is derived from the alert ids, so sending the same message again is a duplicate the queue can drop.
/// A message carrying a <see cref="DeadLetterReason"/> is one recipient the carrier refused for good, split off a larger
/// message so that it can be dead-lettered (and seen by an operator) on its own.
/// </summary>
public sealed record AlertsMatched(string MessageId, RatingChange Change, IReadOnlyList<AlertRecipient> Recipients, DateTimeOffset MatchedAt, string? DeadLetterReason = null);
