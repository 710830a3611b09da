namespace Alerts.Core.Subscriptions;

/// <summary>Subscriptions, and the per-ticker index that matching reads (see <see cref="Matching.ISubscriberIndex"/>).</summary>
public interface ISubscriptionStore
{
    Task CreateAsync(Subscription subscription, CancellationToken cancellationToken);

    Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Writes one index row per ticker, then marks the subscription active.</summary>
    Task ActivateAsync(Subscription subscription, DateTimeOffset confirmedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the tickers, rules and delivery settings of subscription <paramref name="id"/>, as read from the store at that moment (its
    /// address, status and dates are kept). When it is active, the index follows: a row for each new ticker, the row of
    /// each removed ticker deleted, the others rewritten with the new rules and settings. Null when there is no such subscription.
    /// </summary>
    /// <exception cref="SubscriptionConflictException">It kept changing under us (several writers at once).</exception>
    Task<Subscription?> UpdateAsync(string id, IReadOnlyList<string> tickers, SubscriberRules rules, Digests.DeliverySettings delivery, CancellationToken cancellationToken) =>
        UpdateAsync(id, tickers, rules, delivery, channels: null, cancellationToken);

    /// <summary>The same, replacing the channels too (null keeps them as stored).</summary>
    Task<Subscription?> UpdateAsync(string id, IReadOnlyList<string> tickers, SubscriberRules rules, Digests.DeliverySettings delivery, IReadOnlyList<Channels.Channel>? channels, CancellationToken cancellationToken);

    /// <summary>Removes the index rows, then the subscription.</summary>
    Task DeleteAsync(Subscription subscription, CancellationToken cancellationToken);

    /// <summary>How many subscriptions (pending or active) the <paramref name="mailbox"/> holds (<see cref="Mailbox.Canonical"/>).</summary>
    Task<int> CountByMailboxAsync(string mailbox, CancellationToken cancellationToken);

    /// <summary>The subscriptions never confirmed that were created before <paramref name="createdBefore"/>.</summary>
    IAsyncEnumerable<Subscription> GetUnconfirmedAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a confirmation email to <paramref name="email"/> (a mailbox, or <c>@domain</c> for a whole domain) against the hourly limit. False, and nothing counted,
    /// when <paramref name="maxPerHour"/> were already sent in the hour before <paramref name="now"/>.
    /// </summary>
    Task<bool> TryCountConfirmationAsync(string email, DateTimeOffset now, int maxPerHour, CancellationToken cancellationToken);
}
