using System.Net;
using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>
/// Writes the alert email: a subject that says it all, HTML and plain-text parts, a manage link, an unsubscribe link,
/// and the RFC 8058 one-click unsubscribe headers, and when given the street's context (<see cref="StreetContextSection"/>).
/// Every sender-given string is HTML-escaped.
/// </summary>
public sealed class AlertEmailComposer(Links links, IOptions<EmailOptions> options)
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
        var facts = Facts(change);

        var text = new StringBuilder()
            .AppendLine(headline)
            .AppendLine();
        foreach (var (label, value) in facts)
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        if (context is not null)
        {
            StreetContextSection.AppendText(text.AppendLine(), context);
        }

        text.AppendLine()
            .Append("Manage your alerts: ").AppendLine(manageText)
            .Append("Unsubscribe: ").AppendLine(unsubscribeText);

        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>")
            .Append(Html(headline))
            .Append("</title></head><body style=\"font-family:system-ui,sans-serif;line-height:1.4;color:#111\">")
            .Append("<h1 style=\"font-size:1.2em\">").Append(Html(headline)).Append("</h1>")
            .Append("<table role=\"presentation\" style=\"border-collapse:collapse\">");
        foreach (var (label, value) in facts)
        {
            html.Append("<tr><th scope=\"row\" style=\"text-align:left;padding:2px 12px 2px 0\">").Append(Html(label))
                .Append("</th><td>").Append(Html(value)).Append("</td></tr>");
        }

        html.Append("</table>");
        if (change.Url is not null)
        {
            html.Append("<p><a href=\"").Append(Html(change.Url)).Append("\">Read the story</a></p>");
        }

        if (context is not null)
        {
            StreetContextSection.AppendHtml(html, context);
        }

        html.Append("<p style=\"font-size:.9em;color:#555\"><a href=\"").Append(manageHtml).Append("\">Manage your alerts</a> · ")
            .Append("<a href=\"").Append(unsubscribeHtml).Append("\">Unsubscribe</a></p></body></html>");

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
                        [manageHtml] = Html(manage),
                        [unsubscribeText] = unsubscribe,
                        [unsubscribeHtml] = Html(unsubscribe),
                    },
                    new Dictionary<string, string> { ["List-Unsubscribe"] = $"<{unsubscribe}>" });
            }).ToList(),
        };
    }

    private static List<(string Label, string Value)> Facts(RatingChange change)
    {
        var facts = new List<(string, string)> { ("Ticker", change.Company is null ? change.Ticker : $"{change.Ticker} ({change.Company})") };
        facts.Add(("Firm", change.Analyst is null ? change.Firm : $"{change.Firm} ({change.Analyst})"));
        facts.Add(("Action", ChangeDescription.ActionWords(change.Action)));
        if (ChangeDescription.Ratings(change) is { } ratings)
        {
            facts.Add(("Rating", ratings));
        }

        if (ChangeDescription.Targets(change) is { } targets)
        {
            facts.Add(("Price target", targets));
        }

        facts.Add(("Published", change.PublishedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)));
        if (change.Source is not null)
        {
            facts.Add(("Source", change.Source));
        }

        return facts;
    }

    private static string Html(string value) => WebUtility.HtmlEncode(value);
}
