using System.Net;
using Alerts.Core.Delivery;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Alerts.Infrastructure.Email;

/// <summary>
/// Sends through SendGrid's v3 mail API. 2xx: accepted. 429 (with its Retry-After), 5xx, timeouts and network
/// failures: transient. Any other 4xx: permanent, with SendGrid's own explanation as the reason.
/// </summary>
internal sealed class SendGridEmailSender(ISendGridClient client) : IEmailSender
{
    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var mail = ToSendGrid(message);
        Response response;
        try
        {
            response = await client.SendEmailAsync(mail, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return EmailSendResult.Transient($"SendGrid unreachable: {ex.Message}");
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return EmailSendResult.Transient($"SendGrid timed out: {ex.Message}");
        }

        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return EmailSendResult.Accepted;
        }

        var body = response.Body is null ? string.Empty : await response.Body.ReadAsStringAsync(cancellationToken);
        var reason = $"SendGrid answered {status}: {(body.Length > 500 ? body[..500] : body)}";
        if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
        {
            return EmailSendResult.Transient(reason, RetryAfter(response));
        }

        return EmailSendResult.Permanent(reason);
    }

    internal static SendGridMessage ToSendGrid(EmailMessage message)
    {
        var mail = new SendGridMessage
        {
            From = new EmailAddress(message.FromAddress, message.FromName),
            Subject = message.Subject,
            PlainTextContent = message.TextBody,
            HtmlContent = message.HtmlBody,
        };
        mail.AddTo(new EmailAddress(message.To));
        if (message.Headers.Count > 0)
        {
            mail.AddHeaders(message.Headers.ToDictionary(h => h.Key, h => h.Value));
        }

        mail.AddCategory(message.Category);
        mail.AddCustomArg("reference", message.Reference);
        return mail;
    }

    private static TimeSpan? RetryAfter(Response response)
    {
        var retryAfter = response.Headers?.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        // A date already past is no usable hint (a negative delay would make the Storage queue refuse the retry).
        var now = DateTimeOffset.UtcNow;
        return retryAfter?.Date is { } date && date > now ? date - now : null;
    }
}
