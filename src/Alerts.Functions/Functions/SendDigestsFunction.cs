using Alerts.Core.Digests;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Alerts.Functions.Functions;

/// <summary>Sends the digests that are due (<c>DIGEST_SCHEDULE</c>, default every minute): daily digests, the end of quiet hours, the hourly cap's rollover.</summary>
public sealed partial class SendDigestsFunction(DigestSender digests, ILogger<SendDigestsFunction> logger)
{
    /// <summary>How many due rows one run takes; the rest wait for the next minute.</summary>
    public const int MaxPerRun = 2000;

    [Function("SendDigests")]
    public async Task RunAsync([TimerTrigger("%DIGEST_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var summary = await digests.SendDueAsync(MaxPerRun, cancellationToken);
        if (summary.Subscribers > 0)
        {
            LogSent(summary.Subscribers, summary.Sent, summary.Alerts, summary.AlreadySent, summary.Dropped, summary.Retried, summary.Refused);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digests: {Subscribers} subscribers due, {Sent} digests sent carrying {Alerts} alerts, {AlreadySent} already sent, {Dropped} alerts dropped, {Retried} retried, {Refused} refused")]
    private partial void LogSent(int subscribers, int sent, int alerts, int alreadySent, int dropped, int retried, int refused);
}
