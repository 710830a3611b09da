namespace Alerts.Core.Channels;

/// <summary>The state of each subscription's channels (see <see cref="ChannelState"/>): a row per channel that ever failed for good.</summary>
public interface IChannelStateStore
{
    /// <summary>The states of a subscription's channels (those with none are fine).</summary>
    Task<IReadOnlyList<ChannelState>> GetAsync(string subscriptionId, CancellationToken cancellationToken);

    Task<ChannelState?> GetAsync(string subscriptionId, string channelId, CancellationToken cancellationToken);

    /// <summary>Counts one more alert dead-lettered in a row; pauses the channel with <paramref name="note"/> when the count reaches <paramref name="pauseAfter"/>. Returns the state written.</summary>
    Task<ChannelState> RecordDeadLetterAsync(string subscriptionId, string channelId, int pauseAfter, string note, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A delivery succeeded: the count starts again (nothing is written when there is none).</summary>
    Task RecordDeliveredAsync(string subscriptionId, string channelId, CancellationToken cancellationToken);

    /// <summary>Forgets the channel's state (removed, or added again and verified).</summary>
    Task ClearAsync(string subscriptionId, string channelId, CancellationToken cancellationToken);
}
