namespace Alerts.Core.Delivery;

/// <summary>Hands an email to its carrier: SendGrid, or an .eml file in the pickup directory.</summary>
public interface IEmailSender
{
    Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one email to every recipient of <paramref name="batch"/> (at most <see cref="EmailBatch.MaxRecipients"/>): one
    /// carrier request where the carrier allows it. The answer is for the whole batch: accepted for all, or not for any.
    /// </summary>
    Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken);
}
