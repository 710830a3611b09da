namespace Alerts.Core.Feeds;

/// <summary>
/// The provider refused the key (401, 402 or 403): retrying in a minute cannot help. The source is not called again before
/// <see cref="RetryAt"/>, or before the settings change (a restart).
/// </summary>
/// <param name="reason">What the provider's answer means for the user ("this endpoint needs a paid plan").</param>
/// <param name="status">The HTTP status.</param>
/// <param name="retryAt">When the source is tried again.</param>
/// <param name="repeated">False the first time (reported); true while the source waits for <paramref name="retryAt"/> (not called).</param>
public sealed class FeedAccessDeniedException(string reason, int status, DateTimeOffset retryAt, bool repeated) : Exception(reason)
{
    public int Status { get; } = status;

    public DateTimeOffset RetryAt { get; } = retryAt;

    public bool Repeated { get; } = repeated;
}
