using System.ComponentModel.DataAnnotations;

namespace Alerts.Core;

/// <summary>Settings of the product itself (section <c>Alerts</c>, e.g. <c>Alerts__PublicBaseUrl</c>).</summary>
public sealed class AlertsOptions
{
    public const string SectionName = "Alerts";

    /// <summary>Base of the links in emails, e.g. https://alerts.example.com. The default is the server's own address.</summary>
    [Required]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>A change published longer ago than this when it arrives is stored but alerts nobody. The default is 72 hours.</summary>
    [Range(1, 24 * 365)]
    public int MaxAlertAgeHours { get; set; } = 72;

    /// <summary>True when a change published at <paramref name="publishedAt"/> is too old, at <paramref name="at"/>, to alert anyone (<see cref="MaxAlertAgeHours"/>).</summary>
    public bool IsTooOldToAlert(DateTimeOffset publishedAt, DateTimeOffset at) => at - publishedAt > TimeSpan.FromHours(MaxAlertAgeHours);

    /// <summary>
    /// <c>;</c>-separated keys (16+ characters each) that sign the links in emails. The first signs; all verify.
    /// Required in Azure; the local runner makes one on first start and keeps it in its data folder.
    /// </summary>
    [Required]
    public string SigningKeys { get; set; } = string.Empty;

    /// <summary>How many confirmation emails one address may receive per hour. The default is 3.</summary>
    [Range(1, 100)]
    public int MaxConfirmationsPerHour { get; set; } = 3;

    /// <summary>
    /// How many subscriptions one mailbox may hold, pending and confirmed together (<see cref="Subscriptions.Mailbox"/>: plus-tags
    /// and Gmail's dots are one mailbox). Beyond it a new subscription is answered as ever but neither stored nor mailed.
    /// The default is 10.
    /// </summary>
    [Range(1, 1000)]
    public int MaxSubscriptionsPerMailbox { get; set; } = 10;

    /// <summary>How many confirmation emails all the addresses of one mail domain may receive per hour. The default is 200.</summary>
    [Range(1, 1_000_000)]
    public int MaxConfirmationsPerDomainPerHour { get; set; } = 200;

    /// <summary>How many subscriptions one client (IP address) may create per hour. The default is 20.</summary>
    [Range(1, 100_000)]
    public int MaxSubscriptionsPerClientPerHour { get; set; } = 20;

    public IReadOnlyList<string> SigningKeyList =>
        SigningKeys.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Settings of the webhook (section <c>Webhook</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhook";

    /// <summary><c>;</c>-separated secrets accepted on <c>POST /api/ratings</c>; several at once while a secret is rotated.</summary>
    [Required]
    public string Secrets { get; set; } = string.Empty;

    public IReadOnlyList<string> SecretList =>
        Secrets.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Settings of outgoing email (section <c>Email</c>).</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    /// <summary>The sender address. The default is alerts@localhost, fine for the pickup directory only.</summary>
    [Required]
    [EmailAddress]
    public string From { get; set; } = "alerts@localhost";

    /// <summary>The sender's display name. The default is "Alerts".</summary>
    public string FromName { get; set; } = "Alerts";

    /// <summary>Where emails are written as .eml files when no SendGrid key is set. The default is <c>mailbox</c> under the working directory.</summary>
    public string PickupDirectory { get; set; } = "mailbox";
}

/// <summary>Settings of alert delivery (section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>After this many failed attempts a queued message goes to the dead-letter (or poison) queue. The default is 5.</summary>
    [Range(1, 100)]
    public int MaxDeliveryCount { get; set; } = 5;

    /// <summary>
    /// How many recipients of one change travel in one queue message, at most: the default is 1,000 (one SendGrid request);
    /// the transport may allow fewer (a Storage queue message holds 250).
    /// </summary>
    [Range(1, 1000)]
    public int RecipientsPerMessage { get; set; } = 1000;

    /// <summary>
    /// How long a received Storage-queue message stays hidden while it is handled, and so how soon a message held by a
    /// crashed dispatcher comes back. The default is 120 seconds. (Service Bus uses the queue's own lock duration.)
    /// </summary>
    [Range(5, 3600)]
    public int LockSeconds { get; set; } = 120;

    /// <summary>
    /// How long an alert claimed for sending stays claimed before another dispatcher may take it over (after a crash).
    /// Keep it longer than one send can take. The default is 120 seconds.
    /// </summary>
    [Range(5, 3600)]
    public int ClaimTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// How long a ticker's subscriber index, once read, is reused for the next changes on that ticker (0: read it for every
    /// change). Writes in the same process are seen at once; another instance's within this time. The default is 5 seconds.
    /// </summary>
    [Range(0, 300)]
    public int IndexCacheSeconds { get; set; } = 5;

    /// <summary>How many queue messages the dispatcher takes at once. The default is 16 (the Storage queue maximum is 32).</summary>
    [Range(1, 32)]
    public int ReceiveBatchSize { get; set; } = 16;
}
