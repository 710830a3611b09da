namespace Alerts.Core.Feeds;

/// <summary>Where each source's cursor is kept between polls (and restarts).</summary>
public interface IFeedCursorStore
{
    /// <summary>The cursor saved for <paramref name="source"/>, or null when it was never polled successfully.</summary>
    Task<string?> GetAsync(string source, CancellationToken cancellationToken);

    /// <summary>Records a successful poll: the cursor the next poll starts from, and when this one ran.</summary>
    Task SaveAsync(string source, string? cursor, DateTimeOffset polledAt, CancellationToken cancellationToken);

    /// <summary>When <paramref name="source"/> was last polled successfully, or null when never.</summary>
    Task<DateTimeOffset?> GetLastPollAsync(string source, CancellationToken cancellationToken);
}
