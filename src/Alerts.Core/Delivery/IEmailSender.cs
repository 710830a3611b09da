namespace Alerts.Core.Delivery;

/// <summary>Hands an email to its carrier: SendGrid, or an .eml file in the pickup directory.</summary>
public interface IEmailSender
{
    Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
