namespace Alerts.Core.Feeds;

/// <summary>
/// One configured provider of rating changes (a vendor API or a news feed), polled on a timer by <see cref="FeedPoller"/>.
/// </summary>
public interface IFeedSource
{
    /// <summary>
    /// The source's configured name, unique among the sources. It is stored as the <c>source</c> of every change it
    /// brings and keys its cursor, so renaming a source starts it afresh.
    /// </summary>
    string Name { get; }

    /// <summary>
    /// Reads what the provider published since <paramref name="cursor"/> (null: never polled). Records that cannot be
    /// read are skipped and counted; the poll as a whole throws when the provider cannot be reached after its retries
    /// or answers something that is not the documented shape, so that the cursor is kept.
    /// </summary>
    Task<FeedPoll> PollAsync(string? cursor, CancellationToken cancellationToken);
}
