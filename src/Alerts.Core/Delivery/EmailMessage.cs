namespace Alerts.Core.Delivery;

/// <summary>An email ready to go: HTML and plain-text parts, and the headers it must carry (List-Unsubscribe, ...).</summary>
public sealed record EmailMessage
{
    public required string FromAddress { get; init; }

    public required string FromName { get; init; }

    public required string To { get; init; }

    public required string Subject { get; init; }

    public required string HtmlBody { get; init; }

    public required string TextBody { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>What kind of email this is ("alert", "confirmation"): a SendGrid category and part of the .eml file name.</summary>
    public required string Category { get; init; }

    /// <summary>Our id for this email (the alert id, or the subscription id for a confirmation).</summary>
    public required string Reference { get; init; }
}
