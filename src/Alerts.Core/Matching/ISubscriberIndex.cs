namespace Alerts.Core.Matching;

/// <summary>
/// The subscribers of one ticker, read from that ticker's index partition (never a scan of all users), page by page in
/// the form matching checks (<see cref="SubscriberPage"/>). Row by row: <see cref="SubscriberIndexExtensions.GetSubscribersAsync"/>.
/// </summary>
public interface ISubscriberIndex
{
    IAsyncEnumerable<SubscriberPage> GetPagesAsync(string ticker, CancellationToken cancellationToken);

    /// <summary>
    /// Whether anybody follows <paramref name="ticker"/> (paused or not): a change nobody follows needs no dispatch.
    /// Served from the same short-lived view of the partition as <see cref="GetPagesAsync"/>, else one row read.
    /// </summary>
    Task<bool> HasFollowersAsync(string ticker, CancellationToken cancellationToken);
}
