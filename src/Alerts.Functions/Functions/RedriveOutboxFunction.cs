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
        if (summary.DidWork)
        {
            LogRedriven(summary.Tickers, summary.Dispatched, summary.TooOld, summary.Failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Tickers} tickers looked at, {Dispatched} changes re-driven, {TooOld} too old, {Failed} failed")]
    private partial void LogRedriven(int tickers, int dispatched, int tooOld, int failed);
}
