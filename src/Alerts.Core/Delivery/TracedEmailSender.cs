using System.Diagnostics;
using Alerts.Core.Diagnostics;

namespace Alerts.Core.Delivery;

/// <summary>
/// Wraps the carrier (SendGrid, the .eml pickup) so that every email, alert or confirmation, and every batch is a
/// "send email" span and counts as sent or failed (<see cref="AlertsTelemetry.EmailsSent"/>, <see cref="AlertsTelemetry.EmailsFailed"/>).
/// </summary>
public sealed class TracedEmailSender(IEmailSender carrier) : IEmailSender
{
    public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        TracedAsync(
            () => AlertsTelemetry.StartSendEmail(message),
            () => carrier.SendAsync(message, cancellationToken),
            (activity, result) => AlertsTelemetry.EmailOutcome(activity, message, result));

    public Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken) =>
        TracedAsync(
            () => AlertsTelemetry.StartSendEmail(batch),
            () => carrier.SendBatchAsync(batch, cancellationToken),
            (activity, result) => AlertsTelemetry.EmailOutcome(activity, batch, result));

    /// <summary>
    /// The span is started here, inside the async method, so that it is the current activity only for the send: started
    /// by the caller, it would stay current in the caller's flow and adopt what the dispatcher does next.
    /// </summary>
    private static async Task<EmailSendResult> TracedAsync(Func<Activity?> start, Func<Task<EmailSendResult>> send, Action<Activity?, EmailSendResult> outcome)
    {
        using (var activity = start())
        {
            EmailSendResult result;
            try
            {
                result = await send();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The dispatcher takes a throw as a transient failure; counted as one here, and thrown on.
                outcome(activity, EmailSendResult.Transient(ex.Message));
                throw;
            }

            outcome(activity, result);
            return result;
        }
    }
}
