using System.Net;
using Alerts.Core.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>The double opt-in email: one link whose path contains <c>confirm</c>.</summary>
public sealed class ConfirmationEmailComposer(Links links, IOptions<EmailOptions> options)
{
    public const string Category = "confirmation";

    public EmailMessage Compose(Subscription subscription)
    {
        var confirm = links.Confirm(subscription.Id);
        var tickers = string.Join(", ", subscription.Tickers.Take(20)) + (subscription.Tickers.Count > 20 ? $" and {subscription.Tickers.Count - 20} more" : string.Empty);
        var subject = "Confirm your Alerts subscription";
        var text =
            $"Someone, probably you, asked Alerts to email this address when analysts change their rating or price target on: {tickers}.\r\n\r\n" +
            $"Confirm the subscription (the link works for 7 days):\r\n{confirm}\r\n\r\n" +
            "If you did not ask for this, ignore this email: nothing will be sent to you.\r\n";
        var html =
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Confirm your Alerts subscription</title></head>" +
            "<body style=\"font-family:system-ui,sans-serif;line-height:1.4;color:#111\">" +
            $"<p>Someone, probably you, asked Alerts to email this address when analysts change their rating or price target on: <strong>{WebUtility.HtmlEncode(tickers)}</strong>.</p>" +
            $"<p><a href=\"{WebUtility.HtmlEncode(confirm)}\">Confirm the subscription</a> (the link works for 7 days).</p>" +
            "<p style=\"color:#555\">If you did not ask for this, ignore this email: nothing will be sent to you.</p></body></html>";

        return new EmailMessage
        {
            FromAddress = options.Value.From,
            FromName = options.Value.FromName,
            To = subscription.Email,
            Subject = subject,
            HtmlBody = html,
            TextBody = text,
            Category = Category,
            Reference = subscription.Id,
        };
    }
}
