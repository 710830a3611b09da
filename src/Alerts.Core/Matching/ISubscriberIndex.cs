namespace Alerts.Core.Matching;

/// <summary>The subscribers of one ticker, read from that ticker's index partition (never a scan of all users).</summary>
public interface ISubscriberIndex
{
    IAsyncEnumerable<Subscriber> GetSubscribersAsync(string ticker, CancellationToken cancellationToken);

    /// <summary>
    /// Whether anybody follows <paramref name="ticker"/> (paused or not): a change nobody follows needs no dispatch.
    /// Served from the same short-lived view of the partition as <see cref="GetSubscribersAsync"/>, else one row read.
    /// </summary>
    Task<bool> HasFollowersAsync(string ticker, CancellationToken cancellationToken);
}
