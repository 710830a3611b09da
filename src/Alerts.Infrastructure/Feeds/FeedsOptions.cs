using System.ComponentModel.DataAnnotations;

namespace Alerts.Infrastructure.Feeds;

/// <summary>The polled feeds (section <c>Feeds</c>, e.g. <c>Feeds__Sources__0__Name=finnhub-main</c>).</summary>
public sealed class FeedsOptions
{
    public const string SectionName = "Feeds";

    /// <summary>The sources to poll. None by default: nothing is polled.</summary>
    public List<FeedSourceOptions> Sources { get; set; } = [];

    /// <summary>How often the local runner polls every source. The default is 60 seconds (in Azure: <c>FEEDS_SCHEDULE</c>).</summary>
    [Range(1, 86_400)]
    public int PollIntervalSeconds { get; set; } = 60;

    /// <summary>How long one request may take (headers and body), after which it is abandoned and retried. The default is 15 seconds.</summary>
    [Range(0.01, 300)]
    public double RequestTimeoutSeconds { get; set; } = 15;

    /// <summary>Retries of a request that timed out, could not connect, or was answered 408, 429 or 5xx. The default is 3.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with jitter. The default is 1 second.</summary>
    [Range(0, 60)]
    public double RetryDelaySeconds { get; set; } = 1;

    /// <summary>
    /// The longest <c>Retry-After</c> waited for within a poll. A provider asking for longer is not called again before the
    /// time it asked for; its poll fails for now, cursor kept. The default is 30 seconds.
    /// </summary>
    [Range(0, 3_600)]
    public double MaxRetryAfterSeconds { get; set; } = 30;

    /// <summary>
    /// How long a source whose provider refused its key (401, 402, 403: no access, or the endpoint needs a paid plan) waits
    /// before it is tried again. It is reported once (log and <c>/api/health</c>) and not called meanwhile; a restart (as
    /// after changing its settings) tries it at once. The default is 6 hours.
    /// </summary>
    [Range(0.01, 720)]
    public double AccessDeniedRetryHours { get; set; } = 6;
}
