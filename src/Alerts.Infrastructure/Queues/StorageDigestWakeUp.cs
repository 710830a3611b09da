using System.Collections.Concurrent;
using System.Globalization;
using Alerts.Core.Digests;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Queues;

/// <summary>
/// A wake-up for the digest job on the Storage queue <c>digests</c>: a message holding the due minute, invisible until then
/// (a Storage queue hides a message for up to 7 days; a digest is due within about a day). An instance sends one message
/// per due minute (a thousand subscribers with an 08:00 digest are one wake-up, not a thousand); a duplicate from another
/// instance only runs the job once more, which sends nothing twice. The hourly <c>SendDigests</c> timer catches anything
/// held without a wake-up.
/// </summary>
internal sealed class StorageDigestWakeUp(QueueServiceClient queues, TimeProvider time) : IDigestWakeUp
{
    /// <summary>Longest a message may stay hidden (the service's limit is 7 days).</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(6);

    private readonly QueueClient _queue = queues.GetQueueClient(IDigestWakeUp.QueueName);
    private readonly ConcurrentDictionary<DateTimeOffset, bool> _sent = new();
    private volatile bool _created;

    public async Task WakeAtAsync(DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var minute = new DateTimeOffset(dueAt.UtcTicks - (dueAt.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var now = time.GetUtcNow();
        if (minute > now && _sent.ContainsKey(minute))
        {
            return;
        }

        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        var delay = minute - now;
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay;
        await _queue.SendMessageAsync(minute.ToString("O", CultureInfo.InvariantCulture), visibilityTimeout: delay, cancellationToken: cancellationToken);
        if (minute > now)
        {
            _sent[minute] = true;
        }

        foreach (var past in _sent.Keys.Where(k => k <= now))
        {
            _sent.TryRemove(past, out _);
        }
    }
}
