namespace Alerts.LocalRunner;

/// <summary>
/// The local runner's stand-in for a Functions timer: runs the job at once, then every <see cref="Interval"/>, until the
/// runner stops. A failed run is logged and the next tick runs again: the loop never dies.
/// </summary>
internal abstract partial class PeriodicJob(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Time between runs.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job is called in the log ("The pending-change sweep").</summary>
    protected abstract string Name { get; }

    /// <summary>One run.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>False when there is nothing to do at all (the job then logs why itself and never runs).</summary>
    protected virtual bool ShouldRun() => true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!ShouldRun())
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(Name, ex.Message);
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job} could not run: {Reason}")]
    private partial void LogFailed(string job, string reason);
}
