using System.Text;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>
/// Writes the alert email: a subject that says it all, HTML and plain-text parts, a manage link, an unsubscribe link,
/// and the RFC 8058 one-click unsubscribe headers. Every sender-given string is HTML-escaped.
/// </summary>
public sealed class AlertEmailComposer(Links links, IOptions<EmailOptions> options)
{
    public const string Category = "alert";

    public EmailMessage Compose(RatingChange change, AlertRecipient recipient)
    {
        var headline = ChangeDescription.Headline(change);
        var manage = links.Manage(recipient.SubscriptionId);
        var unsubscribe = links.Unsubscribe(recipient.SubscriptionId);
        var facts = ChangeDescription.Facts(change);

        var text = new StringBuilder()
            .AppendLine(headline)
            .AppendLine();
        EmailParts.AppendFactsText(text, facts);
        EmailParts.AppendFooterText(text, manage, unsubscribe);

        var html = EmailParts.StartHtml(headline);
        EmailParts.AppendFactsHtml(html, facts);
        EmailParts.AppendStoryLink(html, change.Url);
        EmailParts.EndHtml(html, manage, unsubscribe);

        return new EmailMessage
        {
            FromAddress = options.Value.From,
            FromName = options.Value.FromName,
            To = recipient.Email,
            Subject = headline,
            HtmlBody = html.ToString(),
            TextBody = text.ToString(),
            Headers = EmailParts.UnsubscribeHeaders(unsubscribe),
            Category = Category,
            Reference = recipient.AlertId,
        };
    }
}
