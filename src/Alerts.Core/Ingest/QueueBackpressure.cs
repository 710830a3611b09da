using Alerts.Core.Diagnostics;
using Alerts.Core.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>
/// Makes ingest give way to delivery. Ingest and delivery share one storage account (and, locally, one machine), and
/// storing a change costs less than delivering its alerts; posts arriving at full speed would queue alerts faster than
/// they can be sent, and every alert would wait longer than the one before. So while delivery is behind, a post waits
/// before its changes are stored: checking again every <see cref="ReadInterval"/>, for at most
/// <see cref="IngestOptions.MaxHoldSeconds"/>, after which it is stored anyway. Nothing is refused or lost; a sender at
/// full speed is slowed to the speed of delivery, and the alerts of what it sent keep arriving within seconds.
/// Delivery is behind when the oldest alert work not done (a message no dispatcher has taken yet, a change still waiting
/// in this process's <see cref="BackgroundFanOut"/>, or a message its dispatcher is still handling,
/// <see cref="AlertsInFlight"/>) has waited longer than <see cref="IngestOptions.MaxQueueWaitSeconds"/>, or when more
/// alerts than <see cref="IngestOptions.MaxAlertsWaiting"/> wait (<see cref="AlertsStillQueued"/>, the dispatcher's
/// unsent ones, and those the changes being stored (<see cref="AdmitAsync"/>, <see cref="Storing"/>) or waiting for the
/// fan-out will make): the age alone lets a flood in before anything is old. A post is counted in the same step that lets
/// it through, so that posts arriving together see each other.
/// </summary>
/// <remarks>
/// One reading of the queue (<see cref="IAlertQueue.PeekOldestWaitingAsync"/>, a peek) serves every post for
/// <see cref="ReadInterval"/>. A queue that cannot be read holds nobody: the outbox, not this, is what keeps a change
/// whose alerts cannot be queued.
/// </remarks>
public sealed partial class QueueBackpressure(
    IAlertQueue queue,
    PendingChangeDispatcher dispatcher,
    BackgroundFanOut fanOut,
    AlertsInFlight inFlight,
    AlertsStillQueued stillQueued,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<QueueBackpressure> logger)
{
    /// <summary>How long one reading of the queue is used, and how often a waiting post looks again.</summary>
    public static readonly TimeSpan ReadInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A reading that takes longer than this counts as "cannot tell".</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private Task? _reading;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private Reading _last = Reading.Nothing;
    private bool _unreadable;
    private bool _holding;

    /// <summary>Changes of posts let through, found followed, and not yet handed to a fan-out (<see cref="Storing"/>).</summary>
    private long _storing;

    /// <summary>
    /// Returns at once while delivery keeps up (or the settings turn this off); else when it has caught up, or after
    /// <see cref="IngestOptions.MaxHoldSeconds"/>. Returns how long the caller was held (zero when it was not).
    /// </summary>
    public async Task<TimeSpan> WaitAsync(CancellationToken cancellationToken)
    {
        var admission = await AdmitAsync(0, cancellationToken);
        return admission.Held;
    }

    /// <summary>
    /// Waits as <see cref="WaitAsync"/> does, then lets a post of <paramref name="changes"/> changes through and counts them
    /// at once as the alerts they are expected to make (<see cref="Admission.Storing"/>, lowered with
    /// <see cref="ChangesBeingStored.Expect"/> once it is known how many are followed). The check and the count are one
    /// step: two posts arriving together do not both pass on one reading, each seeing the other's alerts as not there yet.
    /// </summary>
    public async Task<Admission> AdmitAsync(int changes, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MaxHoldSeconds <= 0 || (settings.MaxQueueWaitSeconds <= 0 && settings.MaxAlertsWaiting <= 0))
        {
            return new Admission(TimeSpan.Zero, Storing(changes));
        }

        var start = time.GetUtcNow();
        var deadline = start + TimeSpan.FromSeconds(settings.MaxHoldSeconds);
        for (var held = false; ; held = true)
        {
            var read = await ReadingAsync(deadline, cancellationToken);
            var now = time.GetUtcNow();
            DeliveryBacklog backlog;
            bool behind;
            ChangesBeingStored? storing = null;
            lock (_lock)
            {
                // A reading the caller could not wait for lets it through, as one that found nothing waiting.
                backlog = read ? Live(now) : DeliveryBacklog.None;
                behind = IsBehind(backlog, settings);
                if (!behind || now >= deadline)
                {
                    storing = Storing(changes);
                }
            }

            if (storing is not null)
            {
                if (!behind)
                {
                    EndHolding(backlog);
                }

                return new Admission(held || behind ? now - start : TimeSpan.Zero, storing);
            }

            StartHolding(backlog, settings);
            var pause = deadline - now < ReadInterval ? deadline - now : ReadInterval;
            await Task.Delay(pause, time, cancellationToken);
        }
    }

    /// <summary>What <see cref="AdmitAsync"/> gives a post: how long it was held, and its changes counted as being stored.</summary>
    public sealed record Admission(TimeSpan Held, ChangesBeingStored Storing);

    /// <summary>
    /// The alert work not yet done: how long the oldest of it has waited (a queued message, a change in the background
    /// fan-out, or a message being handled; zero when none waits, or when the queue cannot tell and nothing waits in this
    /// process), and about how many alerts wait as this process counts them.
    /// </summary>
    public async Task<DeliveryBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        var read = await ReadingAsync(DateTimeOffset.MaxValue, cancellationToken);
        lock (_lock)
        {
            return read ? Live(time.GetUtcNow()) : DeliveryBacklog.None;
        }
    }

    /// <summary>
    /// Notes <paramref name="changes"/> changes of a post let through, on followed tickers, as being stored: their alerts
    /// are in neither the fan-out nor the queue yet, and a post of a thousand takes seconds to store, while the posts
    /// behind it would see nothing waiting. They count, as the alerts they are expected to make, until
    /// <see cref="ChangesBeingStored.HandedOff"/> or the result is disposed.
    /// </summary>
    public ChangesBeingStored Storing(int changes)
    {
        if (changes <= 0)
        {
            return ChangesBeingStored.None;
        }

        Interlocked.Add(ref _storing, changes);
        return new ChangesBeingStored(this, changes);
    }

    /// <summary>The changes of a post between its hold and its fan-out (<see cref="Storing"/>).</summary>
    public sealed class ChangesBeingStored : IDisposable
    {
        public static readonly ChangesBeingStored None = new(null, 0);

        private readonly QueueBackpressure? _owner;
        private int _left;

        internal ChangesBeingStored(QueueBackpressure? owner, int changes) => (_owner, _left) = (owner, changes);

        /// <summary><paramref name="changes"/> of them were handed to the background fan-out, which counts them from now on.</summary>
        public void HandedOff(int changes) => Release(Math.Min(changes, Volatile.Read(ref _left)));

        /// <summary>Only <paramref name="changes"/> of them will make alerts (the others are not followed, or too old): the rest no longer count.</summary>
        public void Expect(int changes) => Release(Volatile.Read(ref _left) - Math.Max(changes, 0));

        public void Dispose() => Release(Volatile.Read(ref _left));

        private void Release(int changes)
        {
            if (_owner is null || changes <= 0)
            {
                return;
            }

            Interlocked.Add(ref _left, -changes);
            Interlocked.Add(ref _owner._storing, -changes);
        }
    }

    private static bool IsBehind(DeliveryBacklog backlog, IngestOptions settings) =>
        (settings.MaxQueueWaitSeconds > 0 && backlog.Behind > TimeSpan.FromSeconds(settings.MaxQueueWaitSeconds))
        || (settings.MaxAlertsWaiting > 0 && backlog.Alerts > settings.MaxAlertsWaiting);

    /// <summary>
    /// Makes sure a reading of the queue no older than <see cref="ReadInterval"/> is there, starting one (shared by every
    /// caller) when not. False when the caller's hold was up before the reading came back.
    /// </summary>
    private async Task<bool> ReadingAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        Task reading;
        lock (_lock)
        {
            if (time.GetUtcNow() - _readAt < ReadInterval)
            {
                return true;
            }

            reading = _reading ??= ReadAsync();
        }

        // The reading gives up after ReadTimeout itself; a caller waits for it no longer than its hold has left.
        var wait = deadline - time.GetUtcNow();
        wait = wait > ReadTimeout ? ReadTimeout : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        try
        {
            await reading.WaitAsync(wait, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>One reading of the queue shared by every caller; it never completes synchronously, so it is stored before it clears itself.</summary>
    private async Task ReadAsync()
    {
        await Task.Yield();
        var startedAt = time.GetUtcNow();
        Reading reading;
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout, time);
            var oldest = await queue.PeekOldestWaitingAsync(timeout.Token);
            reading = new Reading(oldest?.Since, oldest is { } head ? head.FirstMatchedAt ?? head.Since : null, startedAt, Readable: true);
        }
        catch (Exception ex)
        {
            reading = new Reading(null, null, startedAt, Readable: false);
            lock (_lock)
            {
                if (!_unreadable)
                {
                    LogUnreadable(ex);
                }
            }
        }

        lock (_lock)
        {
            _unreadable = !reading.Readable;
            _last = reading;
            _readAt = time.GetUtcNow();
            _reading = null;
            AlertsTelemetry.AlertsWaiting.Record(Live(_readAt).Alerts);
        }
    }

    /// <summary>
    /// The backlog now, from the last reading of the queue and this process's own counts as they are now (under the lock):
    /// what this process queued from the oldest waiting message on still waits, what it queued before was taken; the
    /// alerts of messages being handled, of changes handed to the background fan-out (whose wait a peek does not see
    /// either) and those the changes being stored will make.
    /// </summary>
    private DeliveryBacklog Live(DateTimeOffset now)
    {
        var reading = _last;
        var since = reading.QueueOldestSince;
        foreach (var waitingSince in new[] { fanOut.OldestWaitingSince(), inFlight.OldestQueuedAt() })
        {
            if (waitingSince is { } at && (since is null || at < since))
            {
                since = at;
            }
        }

        var queued = reading.Readable ? stillQueued.Count(reading.HeadMatchedAt, reading.StartedAt) : 0;
        var alerts = queued + inFlight.Alerts() + fanOut.WaitingAlerts() + dispatcher.ExpectedAlerts(Interlocked.Read(ref _storing));
        return new DeliveryBacklog(Age(since, now), alerts);
    }

    /// <summary>
    /// What one reading of the queue found: since when its oldest waiting message has waited, when that message's alerts
    /// were first matched (null: nothing waited), and when the reading began.
    /// </summary>
    private sealed record Reading(DateTimeOffset? QueueOldestSince, DateTimeOffset? HeadMatchedAt, DateTimeOffset StartedAt, bool Readable)
    {
        public static readonly Reading Nothing = new(null, null, DateTimeOffset.MinValue, Readable: false);
    }

    private static TimeSpan Age(DateTimeOffset? since, DateTimeOffset now) =>
        since is { } queuedAt && now > queuedAt ? now - queuedAt : TimeSpan.Zero;

    private void StartHolding(DeliveryBacklog backlog, IngestOptions settings)
    {
        lock (_lock)
        {
            if (_holding)
            {
                return;
            }

            _holding = true;
        }

        LogHolding(backlog.Behind.TotalSeconds, backlog.Alerts, settings.MaxQueueWaitSeconds, settings.MaxAlertsWaiting, settings.MaxHoldSeconds);
    }

    private void EndHolding(DeliveryBacklog backlog)
    {
        lock (_lock)
        {
            if (!_holding)
            {
                return;
            }

            _holding = false;
        }

        LogCaughtUp(backlog.Behind.TotalSeconds, backlog.Alerts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery is behind ({Behind:0.0} s, about {Alerts} alerts waiting; limits {Limit} s and {MaxAlerts} alerts, 0 = none): posts wait up to {Hold} s before they are stored, while delivery catches up")]
    private partial void LogHolding(double behind, long alerts, double limit, int maxAlerts, int hold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery caught up ({Behind:0.0} s behind, about {Alerts} alerts waiting): posts are stored at once again")]
    private partial void LogCaughtUp(double behind, long alerts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read how far behind the alert queue is; posts are not held meanwhile")]
    private partial void LogUnreadable(Exception exception);
}

/// <summary>
/// The alert work not done yet (<see cref="QueueBackpressure.BacklogAsync"/>): how long the oldest of it has waited, and
/// about how many alerts wait, as this process counts them.
/// </summary>
public sealed record DeliveryBacklog(TimeSpan Behind, long Alerts)
{
    public static readonly DeliveryBacklog None = new(TimeSpan.Zero, 0);
}
