namespace Alerts.Core.Delivery;

/// <summary>
/// One email for many recipients: the content is shared, and what differs per recipient (the address, the links, the
/// List-Unsubscribe header) is a <see cref="EmailPersonalization"/> whose substitutions replace placeholders in the shared
/// subject and bodies. SendGrid sends it as one request with a personalization per recipient
/// (<see cref="MaxRecipients"/> at most); a carrier without batches sends <see cref="Expand"/>ed emails one by one.
/// </summary>
public sealed record EmailBatch
{
    /// <summary>SendGrid's limit of personalizations in one request.</summary>
    public const int MaxRecipients = 1000;

    public required string FromAddress { get; init; }

    public required string FromName { get; init; }

    public required string Subject { get; init; }

    /// <summary>The HTML part, with the placeholders of <see cref="EmailPersonalization.Substitutions"/>.</summary>
    public required string HtmlBody { get; init; }

    /// <summary>The plain-text part, with the same placeholders.</summary>
    public required string TextBody { get; init; }

    /// <summary>Headers every recipient's email carries.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public required string Category { get; init; }

    public required IReadOnlyList<EmailPersonalization> Recipients { get; init; }

    /// <summary>The email exactly as recipient <paramref name="index"/> receives it: placeholders replaced, headers merged.</summary>
    public EmailMessage Expand(int index)
    {
        var recipient = Recipients[index];
        var headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in recipient.Headers)
        {
            headers[name] = value;
        }

        return new EmailMessage
        {
            FromAddress = FromAddress,
            FromName = FromName,
            To = recipient.To,
            Subject = recipient.Substitute(Subject),
            HtmlBody = recipient.Substitute(HtmlBody),
            TextBody = recipient.Substitute(TextBody),
            Headers = headers,
            Category = Category,
            Reference = recipient.Reference,
        };
    }

    /// <summary>The same content for a part of the recipients (a batch split to find which address a carrier refused).</summary>
    public EmailBatch For(IReadOnlyList<EmailPersonalization> recipients) => this with { Recipients = recipients };
}

/// <summary>
/// One recipient of an <see cref="EmailBatch"/>: the address, our reference for the email (the alert id), the placeholder
/// values (each already escaped for where its placeholder stands), and headers of its own.
/// </summary>
public sealed record EmailPersonalization(
    string To,
    string Reference,
    IReadOnlyDictionary<string, string> Substitutions,
    IReadOnlyDictionary<string, string> Headers)
{
    public string Substitute(string template)
    {
        foreach (var (placeholder, value) in Substitutions)
        {
            template = template.Replace(placeholder, value, StringComparison.Ordinal);
        }

        return template;
    }
}
