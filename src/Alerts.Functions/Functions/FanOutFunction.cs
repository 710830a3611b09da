using Alerts.Core.Ingest;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Alerts.Functions.Functions;

/// <summary>
/// The fan-out step, triggered by each <see cref="ChangesStored"/> message on the <c>changes</c> Storage queue (on the
/// account of the <c>Storage__*</c> settings). The work is <see cref="FanOutHandler"/>'s; a throw makes the host deliver
/// the message again, and after <c>maxDequeueCount</c> (host.json) move it to <c>changes-poison</c>.
/// </summary>
public sealed partial class FanOutFunction(FanOutHandler handler, ILogger<FanOutFunction> logger)
{
    [Function("FanOut")]
    public async Task RunAsync([QueueTrigger(ChangesStored.QueueName, Connection = "Storage")] string message, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(ChangesStored.Parse(message), cancellationToken);
        if (result.Dispatched > 0)
        {
            LogFannedOut(result.Dispatched, result.Matched);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fanned out {Changes} changes: {Matched} alerts matched")]
    private partial void LogFannedOut(int changes, int matched);
}
