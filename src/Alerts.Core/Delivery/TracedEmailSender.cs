using Alerts.Core.Diagnostics;

namespace Alerts.Core.Delivery;

/// <summary>
/// Wraps the carrier (SendGrid, the .eml pickup) so that every email, alert or confirmation, is a "send email" span and
/// counts as sent or failed (<see cref="AlertsTelemetry.EmailsSent"/>, <see cref="AlertsTelemetry.EmailsFailed"/>).
/// </summary>
internal sealed class TracedEmailSender(IEmailSender carrier) : IEmailSender
{
    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var activity = AlertsTelemetry.StartSendEmail(message);
        EmailSendResult result;
        try
        {
            result = await carrier.SendAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The dispatcher takes a throw as a transient failure; counted as one here, and thrown on.
            AlertsTelemetry.EmailOutcome(activity, message, EmailSendResult.Transient(ex.Message));
            throw;
        }

        AlertsTelemetry.EmailOutcome(activity, message, result);
        return result;
    }

    public async Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken)
    {
        using var activity = AlertsTelemetry.StartSendEmail(batch);
        EmailSendResult result;
        try
        {
            result = await carrier.SendBatchAsync(batch, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            AlertsTelemetry.EmailOutcome(activity, batch, EmailSendResult.Transient(ex.Message));
            throw;
        }

        AlertsTelemetry.EmailOutcome(activity, batch, result);
        return result;
    }
}
