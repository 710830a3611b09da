using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Securities;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>
/// Writes the alert email: a subject that says it all, HTML and plain-text parts, a manage link, an unsubscribe link,
/// and the RFC 8058 one-click unsubscribe headers, and when given the street's context (<see cref="StreetContextSection"/>).
/// Every sender-given string is HTML-escaped. The company's name comes from the securities master when the change
/// carries none.
/// </summary>
public sealed class AlertEmailComposer(Links links, IOptions<EmailOptions> options, SecuritiesMaster? securities = null)
{
    public const string Category = "alert";

    /// <summary>The alert for one recipient, with the street's context when given.</summary>
    public EmailMessage Compose(RatingChange change, AlertRecipient recipient, StreetContext? context = null) =>
        ComposeBatch(change, [recipient], context).Expand(0);

    /// <summary>
    /// The alert for many recipients of one change: the content is written once, and each recipient's links (and its
    /// List-Unsubscribe header) are substitutions. The placeholders carry a random part, so no sender-given text can
    /// contain one.
    /// </summary>
    public EmailBatch ComposeBatch(RatingChange change, IReadOnlyList<AlertRecipient> recipients, StreetContext? context = null)
    {
        var nonce = Guid.NewGuid().ToString("N");
        var manageText = $"%%{nonce}:manage%%";
        var manageHtml = $"%%{nonce}:manage-html%%";
        var unsubscribeText = $"%%{nonce}:unsubscribe%%";
        var unsubscribeHtml = $"%%{nonce}:unsubscribe-html%%";

        var headline = ChangeDescription.Headline(change);
        var facts = ChangeDescription.Facts(change, securities);

        var text = new StringBuilder()
            .AppendLine(headline)
            .AppendLine();
        EmailParts.AppendFactsText(text, facts);
        if (context is not null)
        {
            StreetContextSection.AppendText(text.AppendLine(), context);
        }

        var tickerPage = links.Ticker(change.Ticker);
        EmailParts.AppendTickerLinkText(text.AppendLine(), change.Ticker, tickerPage);
        EmailParts.AppendFooterText(text, manageText, unsubscribeText);

        var html = EmailParts.StartHtml(headline);
        EmailParts.AppendFactsHtml(html, facts);
        EmailParts.AppendStoryLink(html, change.Url);
        if (context is not null)
        {
            StreetContextSection.AppendHtml(html, context);
        }

        EmailParts.AppendTickerLinkHtml(html, change.Ticker, tickerPage);

        // The placeholders hold no character that HTML escaping changes: their values are escaped per recipient.
        EmailParts.EndHtml(html, manageHtml, unsubscribeHtml);

        return new EmailBatch
        {
            FromAddress = options.Value.From,
            FromName = options.Value.FromName,
            Subject = headline,
            HtmlBody = html.ToString(),
            TextBody = text.ToString(),
            Headers = new Dictionary<string, string> { ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" },
            Category = Category,
            Recipients = recipients.Select(recipient =>
            {
                var manage = links.Manage(recipient.SubscriptionId);
                var unsubscribe = links.Unsubscribe(recipient.SubscriptionId);
                return new EmailPersonalization(
                    recipient.Email,
                    recipient.AlertId,
                    new Dictionary<string, string>
                    {
                        [manageText] = manage,
                        [manageHtml] = EmailParts.Html(manage),
                        [unsubscribeText] = unsubscribe,
                        [unsubscribeHtml] = EmailParts.Html(unsubscribe),
                    },
                    new Dictionary<string, string> { ["List-Unsubscribe"] = $"<{unsubscribe}>" });
            }).ToList(),
        };
    }
}
