using System.Diagnostics;

namespace Alerts.Testing;

/// <summary>
/// Polls a condition until it holds. Meant for waiting on background work (queues, timers, hosted services);
/// it is not a speed assertion, so give generous timeouts.
/// </summary>
public static class Eventually
{
    /// <summary>How often the condition is evaluated.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Evaluates <paramref name="condition"/> every 100 ms until it returns true. An exception thrown by the condition counts as
    /// "not yet" and is reported (as inner exception) if the timeout is reached. Throws <see cref="TimeoutException"/> on timeout.
    /// </summary>
    /// <param name="because">What is being waited for, e.g. "the alert email was sent"; used in the timeout message.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);

        var stopwatch = Stopwatch.StartNew();
        var attempts = 0;
        Exception? lastException = null;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            attempts++;
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }

                lastException = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastException = ex;
            }

            var elapsed = stopwatch.Elapsed;
            if (elapsed >= timeout)
            {
                var message = $"Timed out after {elapsed.TotalSeconds:0.0} s (timeout {timeout.TotalSeconds:0.0} s, {attempts} attempts) waiting until {because}.";
                if (lastException is not null)
                {
                    message += $" The last attempt threw {lastException.GetType().Name}: {lastException.Message}";
                }

                throw new TimeoutException(message, lastException);
            }

            var remaining = timeout - elapsed;
            await Task.Delay(remaining < PollInterval ? remaining : PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Synchronous-condition overload of <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string, CancellationToken)"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string because, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, because, cancellationToken);
    }
}
