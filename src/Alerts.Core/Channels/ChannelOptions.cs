using System.ComponentModel.DataAnnotations;

namespace Alerts.Core.Channels;

/// <summary>Settings of the channels beyond email (section <c>Channels</c>, e.g. <c>Channels__AllowLoopback</c>).</summary>
public sealed class ChannelOptions
{
    public const string SectionName = "Channels";

    /// <summary>
    /// Allows channel URLs on loopback addresses, over http too: for the local runner (its default) and tests. Private
    /// and link-local addresses stay refused. The default (Azure) is false.
    /// </summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Attempts per alert and channel before it is dead-lettered. The default is 5.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second attempt; each further one waits twice as long. The default is 10 seconds.</summary>
    [Range(0, 3600)]
    public int RetryBaseSeconds { get; set; } = 10;

    /// <summary>A receiver is paused after this many alerts in a row were dead-lettered. The default is 3.</summary>
    [Range(1, 1000)]
    public int PauseAfterDeadLetters { get; set; } = 3;

    /// <summary>How long one post to a receiver may take (connecting included). The default is 10 seconds.</summary>
    [Range(1, 60)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 or more): <see cref="RetryBaseSeconds"/> doubled each time.</summary>
    public TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempt - 2)));
}
