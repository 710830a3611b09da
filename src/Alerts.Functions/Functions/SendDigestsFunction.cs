using Alerts.Core.Digests;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Alerts.Functions.Functions;

/// <summary>
/// Sends the digests that are due: daily digests, the end of quiet hours, the hourly cap's rollover. Woken at each due
/// minute by a message on the <c>digests</c> queue (<see cref="IDigestWakeUp"/>, sent when an alert is held), and by a
/// slow timer (<c>DIGEST_SCHEDULE</c>, hourly in Azure) for anything held without a wake-up.
/// </summary>
public sealed partial class SendDigestsFunction(DigestSender digests, ILogger<SendDigestsFunction> logger, IDigestWakeUp? wakeUp = null, TimeProvider? time = null)
{
    /// <summary>How many due rows one run takes; the rest wait for the next run, asked for at once.</summary>
    public const int MaxPerRun = 2000;

    /// <summary>A digest the carrier could not take now is tried again this much later (another wake-up).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    [Function("SendDigestsOnWakeUp")]
    public Task OnWakeUpAsync([QueueTrigger(IDigestWakeUp.QueueName, Connection = "Storage")] string dueMinute, CancellationToken cancellationToken) =>
        SendAsync(cancellationToken);

    [Function("SendDigests")]
    public Task RunAsync([TimerTrigger("%DIGEST_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        SendAsync(cancellationToken);

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var summary = await digests.SendDueAsync(MaxPerRun, cancellationToken);
        if (summary.Subscribers > 0)
        {
            LogSent(summary.Subscribers, summary.Sent, summary.Alerts, summary.AlreadySent, summary.Dropped, summary.Retried, summary.Refused);
        }

        // What this run left due (more than one run takes, or a digest to try again) gets its own wake-up.
        if (wakeUp is not null && (summary.Subscribers >= MaxPerRun || summary.Retried > 0))
        {
            await wakeUp.WakeAtAsync(summary.Subscribers >= MaxPerRun ? DateTimeOffset.MinValue : (time ?? TimeProvider.System).GetUtcNow().Add(RetryDelay), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digests: {Subscribers} subscribers due, {Sent} digests sent carrying {Alerts} alerts, {AlreadySent} already sent, {Dropped} alerts dropped, {Retried} retried, {Refused} refused")]
    private partial void LogSent(int subscribers, int sent, int alerts, int alreadySent, int dropped, int retried, int refused);
}
