using Alerts.Core.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Ingest;

/// <summary>
/// Makes ingest give way to delivery. Ingest and delivery share one storage account (and, locally, one machine), and
/// storing a change costs less than delivering its alerts; posts arriving at full speed would queue alerts faster than
/// they can be sent, and every alert would wait longer than the one before. So while the oldest alert message that no
/// dispatcher has taken yet, the oldest change still waiting in this process's <see cref="BackgroundFanOut"/> (whose
/// alerts are not all queued yet), or the oldest message its dispatcher is still handling (<see cref="AlertsInFlight"/>),
/// has waited longer than <see cref="IngestOptions.MaxQueueWaitSeconds"/>, a post waits before
/// its changes are stored: checking again every <see cref="ReadInterval"/>, for at most
/// <see cref="IngestOptions.MaxHoldSeconds"/>, after which it is stored anyway. Nothing is refused or lost; a sender at
/// full speed is slowed to the speed of delivery, and the alerts of what it sent keep arriving within seconds.
/// </summary>
/// <remarks>
/// One reading of the queue (<see cref="IAlertQueue.OldestWaitingSinceAsync"/>, a peek) serves every post for
/// <see cref="ReadInterval"/>. A queue that cannot be read holds nobody: the outbox, not this, is what keeps a change
/// whose alerts cannot be queued.
/// </remarks>
public sealed partial class QueueBackpressure(IAlertQueue queue, BackgroundFanOut fanOut, AlertsInFlight inFlight, IOptions<IngestOptions> options, TimeProvider time, ILogger<QueueBackpressure> logger)
{
    /// <summary>How long one reading of the queue is used, and how often a waiting post looks again.</summary>
    public static readonly TimeSpan ReadInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A reading that takes longer than this counts as "cannot tell".</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private Task<DateTimeOffset?>? _reading;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private DateTimeOffset? _oldestWaitingSince;
    private bool _unreadable;
    private bool _holding;

    /// <summary>
    /// Returns at once while delivery keeps up (or the setting is 0); else when it has caught up, or after
    /// <see cref="IngestOptions.MaxHoldSeconds"/>. Returns how long the caller was held (zero when it was not).
    /// </summary>
    public async Task<TimeSpan> WaitAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MaxQueueWaitSeconds <= 0 || settings.MaxHoldSeconds <= 0)
        {
            return TimeSpan.Zero;
        }

        var limit = TimeSpan.FromSeconds(settings.MaxQueueWaitSeconds);
        var start = time.GetUtcNow();
        var deadline = start + TimeSpan.FromSeconds(settings.MaxHoldSeconds);
        for (var held = false; ; held = true)
        {
            var behind = await BehindAsync(deadline, cancellationToken);
            var now = time.GetUtcNow();
            if (behind <= limit)
            {
                EndHolding(behind);
                return held ? now - start : TimeSpan.Zero;
            }

            if (now >= deadline)
            {
                return now - start;
            }

            StartHolding(behind, settings);
            var pause = deadline - now < ReadInterval ? deadline - now : ReadInterval;
            await Task.Delay(pause, time, cancellationToken);
        }
    }

    /// <summary>
    /// How long the oldest alert work not yet done has waited: a queued message, a change in the background fan-out, or a
    /// message being handled (zero when none waits, or when the queue cannot tell and nothing waits in this process).
    /// </summary>
    public async Task<TimeSpan> BehindAsync(CancellationToken cancellationToken) => await BehindAsync(DateTimeOffset.MaxValue, cancellationToken);

    private async Task<TimeSpan> BehindAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        Task<DateTimeOffset?> reading;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now - _readAt < ReadInterval)
            {
                return Age(_oldestWaitingSince, now);
            }

            reading = _reading ??= ReadAsync();
        }

        // The reading gives up after ReadTimeout itself; a caller waits for it no longer than its hold has left.
        var wait = deadline - time.GetUtcNow();
        wait = wait > ReadTimeout ? ReadTimeout : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        try
        {
            return Age(await reading.WaitAsync(wait, time, cancellationToken), time.GetUtcNow());
        }
        catch (TimeoutException)
        {
            // The caller's hold is up before the reading came back: let it through.
            return TimeSpan.Zero;
        }
    }

    /// <summary>One reading shared by every caller; it never completes synchronously, so it is stored before it clears itself.</summary>
    private async Task<DateTimeOffset?> ReadAsync()
    {
        await Task.Yield();
        DateTimeOffset? since = null;
        var readable = true;
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout, time);
            since = await queue.OldestWaitingSinceAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            readable = false;
            lock (_lock)
            {
                if (!_unreadable)
                {
                    LogUnreadable(ex);
                }
            }
        }

        // Changes handed to the background fan-out wait before their alerts reach the queue, and the alerts of messages
        // being handled wait for the rest of their batch, unseen by a peek: those waits count too.
        foreach (var waitingSince in new[] { fanOut.OldestWaitingSince(), inFlight.OldestQueuedAt() })
        {
            if (waitingSince is { } at && (since is null || at < since))
            {
                since = at;
            }
        }

        lock (_lock)
        {
            _unreadable = !readable;
            _oldestWaitingSince = since;
            _readAt = time.GetUtcNow();
            _reading = null;
        }

        return since;
    }

    private static TimeSpan Age(DateTimeOffset? since, DateTimeOffset now) =>
        since is { } queuedAt && now > queuedAt ? now - queuedAt : TimeSpan.Zero;

    private void StartHolding(TimeSpan behind, IngestOptions settings)
    {
        lock (_lock)
        {
            if (_holding)
            {
                return;
            }

            _holding = true;
        }

        LogHolding(behind.TotalSeconds, settings.MaxQueueWaitSeconds, settings.MaxHoldSeconds);
    }

    private void EndHolding(TimeSpan behind)
    {
        lock (_lock)
        {
            if (!_holding)
            {
                return;
            }

            _holding = false;
        }

        LogCaughtUp(behind.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The alert queue is {Behind:0.0} s behind (more than {Limit} s): posts wait up to {Hold} s before they are stored, while delivery catches up")]
    private partial void LogHolding(double behind, double limit, int hold);

    [LoggerMessage(Level = LogLevel.Information, Message = "The alert queue caught up ({Behind:0.0} s behind): posts are stored at once again")]
    private partial void LogCaughtUp(double behind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read how far behind the alert queue is; posts are not held meanwhile")]
    private partial void LogUnreadable(Exception exception);
}
