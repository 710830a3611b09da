namespace Alerts.Core.Channels;

/// <summary>
/// How a subscription's channel has fared: alerts dead-lettered in a row (reset by a delivery that succeeds), and, once
/// <see cref="ChannelOptions.PauseAfterDeadLetters"/> is reached, when it was paused and why (the note the preference page shows).
/// </summary>
public sealed record ChannelState(string ChannelId, int DeadLettersInARow, DateTimeOffset? PausedAt = null, string? PausedNote = null)
{
    public bool IsPaused => PausedAt is not null;
}
