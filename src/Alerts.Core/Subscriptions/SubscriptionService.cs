using Alerts.Core.Channels;
using Alerts.Core.Delivery;
using Alerts.Core.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Subscriptions;

/// <summary>What opening a link or calling the API with a token found.</summary>
public enum SubscriptionAccess
{
    Granted,

    /// <summary>No such subscription, or a token not made for it: the two are not told apart.</summary>
    Denied,
}

/// <summary>Subscribing with double opt-in, confirming, reading, changing and deleting with the subscription's own tokens.</summary>
public sealed partial class SubscriptionService(
    ISubscriptionStore store,
    IEmailSender emailSender,
    ISuppressionList suppressions,
    ConfirmationEmailComposer confirmationComposer,
    LinkTokens tokens,
    ChannelSetup channels,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<SubscriptionService> logger)
{
    /// <summary>
    /// Stores a pending subscription and emails the confirmation link: at most <see cref="AlertsOptions.MaxConfirmationsPerHour"/>
    /// per mailbox per hour (<see cref="Mailbox"/>: plus-tags and Gmail's dots are one mailbox), at most
    /// <see cref="AlertsOptions.MaxConfirmationsPerDomainPerHour"/> per mail domain, and only while the mailbox holds fewer
    /// than <see cref="AlertsOptions.MaxSubscriptionsPerMailbox"/> subscriptions. When no email may go (those limits, or a
    /// suppressed address) nothing is stored either. The answer is the same in every case: it never says whether the
    /// address was known. Its channels are verified first (<see cref="ChannelSetup"/>): one that fails refuses the whole
    /// request (<see cref="ChannelsRefusedException"/>), and nothing is stored or mailed.
    /// </summary>
    public async Task<Subscription> SubscribeAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<Channel> verified = [];
        if (request.Channels.Count > 0)
        {
            var setup = await channels.PrepareAsync(request.Channels, [], cancellationToken);
            if (!setup.IsValid)
            {
                throw new ChannelsRefusedException(setup.Errors);
            }

            verified = setup.Channels;
        }

        var now = time.GetUtcNow();
        var subscription = new Subscription
        {
            Id = Ids.NewRandom(),
            Email = request.Email,
            Tickers = request.Tickers,
            Rules = request.Rules,
            Delivery = request.Delivery ?? Digests.DeliverySettings.Instant,
            Channels = verified,
            Status = SubscriptionStatus.Pending,
            CreatedAt = now,
        };
        var mailbox = Mailbox.Canonical(subscription.Email);
        var limits = options.Value;
        if (await suppressions.IsSuppressedAsync(subscription.Email, cancellationToken)
            || (mailbox != subscription.Email.ToLowerInvariant() && await suppressions.IsSuppressedAsync(mailbox, cancellationToken)))
        {
            // Same answer as ever (no enumeration), but no mail to an address that bounced or complained.
            LogConfirmationSuppressed(subscription.Id);
        }
        else if (await store.CountByMailboxAsync(mailbox, cancellationToken) >= limits.MaxSubscriptionsPerMailbox)
        {
            LogMailboxFull(subscription.Id, limits.MaxSubscriptionsPerMailbox);
        }
        else if (!await store.TryCountConfirmationAsync(mailbox, now, limits.MaxConfirmationsPerHour, cancellationToken))
        {
            LogConfirmationThrottled(subscription.Id);
        }
        else if (!await store.TryCountConfirmationAsync("@" + Mailbox.Domain(mailbox), now, limits.MaxConfirmationsPerDomainPerHour, cancellationToken))
        {
            LogDomainThrottled(subscription.Id, Mailbox.Domain(mailbox));
        }
        else
        {
            await store.CreateAsync(subscription, cancellationToken);
            var result = await emailSender.SendAsync(confirmationComposer.Compose(subscription), cancellationToken);
            if (result.Status != EmailSendStatus.Accepted)
            {
                throw new EmailNotSentException(result);
            }
        }

        return subscription;
    }

    /// <summary>Activates the subscription if the confirm token is its own and unexpired. Confirming twice is harmless.</summary>
    public async Task<(SubscriptionAccess Access, Subscription? Subscription)> ConfirmAsync(string id, string? token, CancellationToken cancellationToken)
    {
        var (access, subscription) = await AuthorizeAsync(id, token, LinkPurpose.Confirm, cancellationToken);
        if (access != SubscriptionAccess.Granted)
        {
            return (access, null);
        }

        if (subscription!.Status == SubscriptionStatus.Active)
        {
            return (access, subscription);
        }

        var now = time.GetUtcNow();
        await store.ActivateAsync(subscription, now, cancellationToken);
        return (access, subscription with { Status = SubscriptionStatus.Active, ConfirmedAt = now });
    }

    /// <summary>The subscription, when <paramref name="token"/> is its manage token.</summary>
    public Task<(SubscriptionAccess Access, Subscription? Subscription)> GetAsync(string id, string? token, CancellationToken cancellationToken) =>
        AuthorizeAsync(id, token, LinkPurpose.Manage, cancellationToken);

    /// <summary>
    /// Replaces the tickers, rules (pause included) and delivery settings with the subscription's manage token. The address cannot be
    /// changed: <see cref="SubscriptionUpdate.Email"/> must be left out or equal the current one. An active
    /// subscription's index rows follow at once; a pending one only stores it, and its index rows are written on confirmation.
    /// </summary>
    public async Task<SubscriptionUpdateOutcome> UpdateAsync(string id, string? token, SubscriptionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var (access, current) = await AuthorizeAsync(id, token, LinkPurpose.Manage, cancellationToken);
        if (access != SubscriptionAccess.Granted)
        {
            return SubscriptionUpdateOutcome.Denied;
        }

        if (update.Email is { } email && !string.Equals(email, current!.Email, StringComparison.OrdinalIgnoreCase))
        {
            return SubscriptionUpdateOutcome.Invalid(
            [
                new ValidationError(null, "email", "cannot be changed here: leave it out or send the current address. To use another address, subscribe it (it gets its own confirmation email) and unsubscribe this one"),
            ]);
        }

        // Channels: those kept stay as they are; new ones are verified before anything is written, and a failure changes nothing.
        var before = current!;
        IReadOnlyList<Channel>? wanted = null;
        IReadOnlyList<string> added = [];
        if (update.Channels is { } requested)
        {
            var setup = await channels.PrepareAsync(requested, before.Channels, cancellationToken);
            if (!setup.IsValid)
            {
                return SubscriptionUpdateOutcome.Invalid(setup.Errors);
            }

            wanted = setup.Channels;
            added = setup.Added;
        }

        var updated = await store.UpdateAsync(id, update.Tickers, update.Rules, update.Delivery ?? Digests.DeliverySettings.Instant, wanted, cancellationToken);
        if (updated is null)
        {
            return SubscriptionUpdateOutcome.Denied;
        }

        var removed = before.Channels.Select(c => c.Id).Except(updated.Channels.Select(c => c.Id), StringComparer.Ordinal);
        await channels.ForgetAsync(id, added.Concat(removed).ToList(), cancellationToken);
        return SubscriptionUpdateOutcome.Updated(updated) with { AddedChannels = added };
    }

    /// <summary>Deletes the subscription (and its index rows) with its manage or unsubscribe token.</summary>
    public async Task<SubscriptionAccess> DeleteAsync(string id, string? token, LinkPurpose purpose, CancellationToken cancellationToken)
    {
        if (purpose is not (LinkPurpose.Manage or LinkPurpose.Unsubscribe) || !tokens.IsValid(token, purpose, id))
        {
            return SubscriptionAccess.Denied;
        }

        var subscription = await store.GetAsync(id, cancellationToken);
        if (subscription is not null)
        {
            await store.DeleteAsync(subscription, cancellationToken);
        }

        // Deleting what is already gone succeeds: an unsubscribe link opened twice says "done" twice.
        return SubscriptionAccess.Granted;
    }

    /// <summary>True when <paramref name="token"/> was made for this subscription and purpose (and has not expired).</summary>
    public bool IsTokenValid(string id, string? token, LinkPurpose purpose) => tokens.IsValid(token, purpose, id);

    private async Task<(SubscriptionAccess, Subscription?)> AuthorizeAsync(string id, string? token, LinkPurpose purpose, CancellationToken cancellationToken)
    {
        if (!tokens.IsValid(token, purpose, id))
        {
            return (SubscriptionAccess.Denied, null);
        }

        var subscription = await store.GetAsync(id, cancellationToken);
        return subscription is null ? (SubscriptionAccess.Denied, null) : (SubscriptionAccess.Granted, subscription);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} not stored: the address is suppressed")]
    private partial void LogConfirmationSuppressed(string subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} not stored: the mailbox reached its hourly limit of confirmation emails")]
    private partial void LogConfirmationThrottled(string subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} not stored: the mailbox already holds {Max} subscriptions")]
    private partial void LogMailboxFull(string subscriptionId, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} not stored: the mail domain {Domain} reached its hourly limit of confirmation emails")]
    private partial void LogDomainThrottled(string subscriptionId, string domain);
}

/// <summary>The email carrier did not take an email that had to leave now.</summary>
public sealed class EmailNotSentException(EmailSendResult result) : Exception($"The email was not sent: {result.Reason}")
{
    public EmailSendResult Result { get; } = result;
}
