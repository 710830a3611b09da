namespace Alerts.Core.Delivery;

/// <summary>
/// Wakes an in-process dispatcher as soon as alerts are enqueued (the local runner), instead of waiting for its next tick.
/// Where the dispatcher runs elsewhere (the Functions app, woken through a queue), nobody waits on it and a notification
/// costs nothing.
/// </summary>
public sealed class DispatchSignal : IDispatchWakeUp
{
    public Task WakeAsync(CancellationToken cancellationToken)
    {
        Notify();
        return Task.CompletedTask;
    }

    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>True when signalled before <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
