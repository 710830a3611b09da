using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Alerts.Core.Ingest;

/// <summary>
/// Lets the webhook answer once its changes are stored, before their alerts are matched and queued: the pending changes
/// are handed to a bounded in-process channel, which <see cref="RunAsync"/> (a hosted service in both hosts) drains in
/// batches through <see cref="PendingChangeDispatcher"/>. Nothing is lost by answering first: a handed-off change is
/// stored pending with its pending row, so if the process stops before its dispatch, the outbox re-driver finishes it
/// (after <see cref="OutboxRedriver.Grace"/>). While nothing drains the channel (no host running it) or it is full
/// (<see cref="Capacity"/> changes waiting), <see cref="TryHandOff"/> takes nothing and the caller dispatches the
/// changes itself, so a burst slows the answers down rather than growing memory.
/// </summary>
public sealed partial class BackgroundFanOut(PendingChangeDispatcher dispatcher, TimeProvider time, ILogger<BackgroundFanOut> logger)
{
    /// <summary>
    /// The most changes waiting for their fan-out: about 10 s of a busy runner's fan-out, so that a burst soon makes the
    /// answers wait for it, and a crash leaves little for the re-driver.
    /// </summary>
    public const int Capacity = 1_000;

    /// <summary>The most changes dispatched together (their dispatched marks share one transaction per ticker).</summary>
    public const int MaxBatch = 256;

    private readonly Channel<PendingDispatch> _channel = Channel.CreateBounded<PendingDispatch>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Ids of the changes handed off and not yet dispatched, with when they were handed off.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _waiting = new(StringComparer.Ordinal);

    private volatile bool _draining;

    /// <summary>True while <see cref="RunAsync"/> drains the channel (hand-offs are taken).</summary>
    public bool IsRunning => _draining;

    /// <summary>
    /// Hands as many of <paramref name="changes"/> as fit to the background fan-out, in order, and returns how many it
    /// took; the caller dispatches the rest (<c>changes[taken..]</c>) itself.
    /// </summary>
    public int TryHandOff(IReadOnlyList<PendingDispatch> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!_draining)
        {
            return 0;
        }

        var taken = 0;
        while (taken < changes.Count)
        {
            _waiting[changes[taken].Change.Id] = time.GetUtcNow();
            if (!_channel.Writer.TryWrite(changes[taken]))
            {
                _waiting.TryRemove(changes[taken].Change.Id, out _);
                break;
            }

            taken++;
        }

        return taken;
    }

    /// <summary>
    /// True while the change is handed off here and not yet dispatched: a repeat of it posted meanwhile (a sender retrying)
    /// finds it still pending, and must not dispatch it a second time.
    /// </summary>
    public bool IsWaiting(string changeId) => _waiting.ContainsKey(changeId);

    /// <summary>
    /// When the change waiting longest here (handed off, its dispatch not finished) was handed off; null when none waits.
    /// Its alerts are not all in the queue yet, so the queue's own age does not show this wait (<see cref="QueueBackpressure"/>).
    /// </summary>
    public DateTimeOffset? OldestWaitingSince()
    {
        DateTimeOffset? oldest = null;
        foreach (var (_, handedOffAt) in _waiting)
        {
            if (oldest is null || handedOffAt < oldest)
            {
                oldest = handedOffAt;
            }
        }

        return oldest;
    }

    /// <summary>
    /// About how many alerts the changes waiting here will make: how many wait, times the alerts per change of the latest
    /// fan-outs (<see cref="PendingChangeDispatcher.AlertsPerChange"/>). Their alerts are not in the queue yet, so no count
    /// of the queue's shows them (<see cref="QueueBackpressure"/>).
    /// </summary>
    public long WaitingAlerts() => dispatcher.ExpectedAlerts(_waiting.Count);

    /// <summary>
    /// Drains the channel until <paramref name="stoppingToken"/> is cancelled, then stops taking hand-offs and dispatches
    /// what is already waiting (what a killed process leaves waiting, the re-driver finishes).
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _draining = true;
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await DispatchWaitingAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is waiting goes out below.
        }
        finally
        {
            // No more hand-offs (a late one fails and is dispatched by its caller); those written before are read below.
            _draining = false;
            _channel.Writer.TryComplete();
        }

        await DispatchWaitingAsync(CancellationToken.None);
    }

    private async Task DispatchWaitingAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingDispatch>(MaxBatch);
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                var result = await dispatcher.DispatchAsync(batch, cancellationToken);
                LogFannedOut(batch.Count, result.Matched);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unexpected (the dispatcher logs and leaves pending what fails): the changes stay pending for the re-driver.
                LogFailed(ex, batch.Count);
            }
            finally
            {
                foreach (var pending in batch)
                {
                    _waiting.TryRemove(pending.Change.Id, out _);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fanned out {Changes} changes after their answer: {Matched} alerts matched")]
    private partial void LogFannedOut(int changes, int matched);

    [LoggerMessage(Level = LogLevel.Error, Message = "The background fan-out of {Count} changes failed; they stay pending for the outbox re-driver")]
    private partial void LogFailed(Exception exception, int count);
}
