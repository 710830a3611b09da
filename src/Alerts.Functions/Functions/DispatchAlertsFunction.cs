using Alerts.Core.Delivery;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Alerts.Functions.Functions;

/// <summary>
/// Drains the alert queue when woken: by a message on the Storage queue <c>dispatch</c>, which the fan-out step sends once
/// it has queued alerts (<see cref="IDispatchWakeUp"/>), and once a minute (<c>DISPATCH_SCHEDULE</c>) for what is back
/// after a retry delay or was queued without a wake-up. There is no Service Bus trigger extension here, so the queue is
/// drained with the SDK's receiver whichever carries the alerts; the dispatcher is the same class the local runner loops on.
/// </summary>
public sealed partial class DispatchAlertsFunction(AlertDispatcher dispatcher, ILogger<DispatchAlertsFunction> logger)
{
    /// <summary>Each run drains for at most this long, so runs never pile up behind a long one.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    [Function("DispatchAlerts")]
    public Task OnWakeUpAsync([QueueTrigger(IDispatchWakeUp.QueueName, Connection = "Storage")] string wakeUp, CancellationToken cancellationToken) =>
        DrainAsync(cancellationToken);

    [Function("DispatchAlertsOnSchedule")]
    public Task RunAsync([TimerTrigger("%DISPATCH_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        DrainAsync(cancellationToken);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var summary = await dispatcher.DrainAsync(Budget, cancellationToken);
        if (summary.Messages > 0)
        {
            LogDrained(summary.Messages, summary.Sent, summary.AlreadySent, summary.Refused, summary.Retried, summary.DeadLettered);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatched {Messages} messages: {Sent} emails sent, {AlreadySent} already sent, {Refused} refused, {Retried} retried, {DeadLettered} dead-lettered")]
    private partial void LogDrained(int messages, int sent, int alreadySent, int refused, int retried, int deadLettered);
}
