namespace Alerts.Core.Delivery;

public enum EmailSendStatus
{
    /// <summary>The carrier took the email.</summary>
    Accepted,

    /// <summary>Try again later (timeouts, 429, 5xx).</summary>
    Transient,

    /// <summary>Trying again will not help (an address the carrier refuses, a 4xx).</summary>
    Permanent,
}

public sealed record EmailSendResult(EmailSendStatus Status, string? Reason = null, TimeSpan? RetryAfter = null)
{
    public static readonly EmailSendResult Accepted = new(EmailSendStatus.Accepted);

    public static EmailSendResult Transient(string reason, TimeSpan? retryAfter = null) => new(EmailSendStatus.Transient, reason, retryAfter);

    public static EmailSendResult Permanent(string reason) => new(EmailSendStatus.Permanent, reason);
}
