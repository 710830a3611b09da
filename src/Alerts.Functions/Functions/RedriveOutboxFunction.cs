using Alerts.Core.Ingest;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Alerts.Functions.Functions;

/// <summary>Finishes changes whose alerts a crash kept from the queue (<c>OUTBOX_SCHEDULE</c>, default every 30 seconds).</summary>
public sealed partial class RedriveOutboxFunction(OutboxRedriver redriver, ILogger<RedriveOutboxFunction> logger)
{
    [Function("RedriveOutbox")]
    public async Task RunAsync([TimerTrigger("%OUTBOX_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var summary = await redriver.RedriveAsync(1000, cancellationToken);
        if (summary.Entries > 0)
        {
            LogRedriven(summary.Entries, summary.Dispatched, summary.AlreadyDone, summary.NeverStored, summary.Failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Entries} entries, {Dispatched} re-driven, {AlreadyDone} already done, {NeverStored} never stored, {Failed} failed")]
    private partial void LogRedriven(int entries, int dispatched, int alreadyDone, int neverStored, int failed);
}
