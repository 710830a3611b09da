using Alerts.Core.Ingest;
using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// The local runner's stand-in for the <c>FanOut</c> queue trigger: receives <see cref="ChangesStored"/> messages from the
/// same Storage queue and hands each to the same <see cref="FanOutHandler"/>, with the trigger's rules
/// (<see cref="StorageQueueListener"/>): after <see cref="StorageQueueListener.MaxDequeueCount"/> attempts a message goes to
/// <c>changes-poison</c> (the sweep then finds its pending rows).
/// </summary>
internal sealed class FanOutQueueListener(StorageFanOutQueue queue, FanOutHandler handler, ILogger<FanOutQueueListener> logger)
    : StorageQueueListener(queue, VisibilityTimeout, logger)
{
    /// <summary>How long a received message stays hidden while it is handled.</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(30);

    protected override Task HandleAsync(string body, CancellationToken cancellationToken) =>
        handler.HandleAsync(ChangesStored.Parse(body), cancellationToken);
}
