namespace Alerts.Core.Digests;

/// <summary>
/// Wakes the digest job when something becomes due, instead of a clock asking every minute. The Functions app sends a
/// message on the Storage queue <see cref="QueueName"/>, invisible until the due minute, whose queue trigger runs the job;
/// the local runner needs none (its loop runs every 15 seconds).
/// </summary>
public interface IDigestWakeUp
{
    /// <summary>The Storage queue of the wake-ups (the <c>SendDigestsOnWakeUp</c> function's trigger).</summary>
    const string QueueName = "digests";

    /// <summary>Makes sure the job runs at <paramref name="dueAt"/> (at once when it has passed).</summary>
    Task WakeAtAsync(DateTimeOffset dueAt, CancellationToken cancellationToken);
}
