using System.Net;
using Alerts.Core.Delivery;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Alerts.Infrastructure.Email;

/// <summary>
/// Sends through SendGrid's v3 mail API. 2xx: accepted. 429 (with its Retry-After), 5xx, timeouts and network
/// failures: transient. Any other 4xx: permanent, with SendGrid's own explanation as the reason.
/// </summary>
internal sealed class SendGridEmailSender : IEmailSender
{
    private readonly Func<ISendGridClient> _client;

    /// <summary>Sends every email through <paramref name="client"/>.</summary>
    public SendGridEmailSender(ISendGridClient client)
        : this(() => client)
    {
    }

    /// <summary>Sends each email through a client <paramref name="client"/> makes (in the app: one per send, from <see cref="IHttpClientFactory"/>).</summary>
    public SendGridEmailSender(Func<ISendGridClient> client) => _client = client;

    public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        SendAsync(ToSendGrid(message), cancellationToken);

    /// <summary>One request: the shared content once, and a personalization per recipient (address, substitutions, headers, reference).</summary>
    public Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Recipients.Count is 0 or > EmailBatch.MaxRecipients)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch.Recipients.Count, $"A batch has 1 to {EmailBatch.MaxRecipients} recipients.");
        }

        return SendAsync(ToSendGrid(batch), cancellationToken);
    }

    private async Task<EmailSendResult> SendAsync(SendGridMessage mail, CancellationToken cancellationToken)
    {
        Response response;
        try
        {
            response = await _client().SendEmailAsync(mail, cancellationToken);
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

    internal static SendGridMessage ToSendGrid(EmailBatch batch)
    {
        var mail = new SendGridMessage
        {
            From = new EmailAddress(batch.FromAddress, batch.FromName),
            Subject = batch.Subject,
            PlainTextContent = batch.TextBody,
            HtmlContent = batch.HtmlBody,
            Personalizations = batch.Recipients.Select(r => new Personalization
            {
                Tos = [new EmailAddress(r.To)],
                Substitutions = r.Substitutions.Count == 0 ? null : r.Substitutions.ToDictionary(s => s.Key, s => s.Value),
                Headers = r.Headers.Count == 0 ? null : r.Headers.ToDictionary(h => h.Key, h => h.Value),
                CustomArgs = new Dictionary<string, string> { ["reference"] = r.Reference },
            }).ToList(),
        };
        if (batch.Headers.Count > 0)
        {
            mail.AddGlobalHeaders(batch.Headers.ToDictionary(h => h.Key, h => h.Value));
        }

        mail.AddCategory(batch.Category);
        return mail;
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
