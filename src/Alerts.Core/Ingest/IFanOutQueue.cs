namespace Alerts.Core.Ingest;

/// <summary>
/// The queue of <see cref="ChangesStored"/> messages (a Storage queue, <see cref="ChangesStored.QueueName"/>): what the
/// ingest hands the fan-out step once the changes and their pending rows are stored.
/// </summary>
public interface IFanOutQueue
{
    Task EnqueueAsync(IReadOnlyList<ChangesStored> messages, CancellationToken cancellationToken);
}
