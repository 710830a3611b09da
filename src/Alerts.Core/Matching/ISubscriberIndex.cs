namespace Alerts.Core.Matching;

/// <summary>The subscribers of one ticker, read from that ticker's index partition (never a scan of all users).</summary>
public interface ISubscriberIndex
{
    IAsyncEnumerable<Subscriber> GetSubscribersAsync(string ticker, CancellationToken cancellationToken);
}
