using Alerts.Core.Ingest;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>
/// The fan-out step, triggered by each <see cref="ChangesStored"/> message on the <c>changes</c> Storage queue (on the
/// account of the <c>Storage__*</c> settings). The work is <see cref="FanOutHandler"/>'s; a throw makes the host deliver
/// the message again, and after <c>maxDequeueCount</c> (host.json) move it to <c>changes-poison</c>.
/// </summary>
public sealed class FanOutFunction(FanOutHandler handler)
{
    [Function("FanOut")]
    public Task RunAsync([QueueTrigger(ChangesStored.QueueName, Connection = "Storage")] string message, CancellationToken cancellationToken) =>
        handler.HandleAsync(ChangesStored.Parse(message), cancellationToken);
}
