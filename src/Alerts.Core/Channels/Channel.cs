namespace Alerts.Core.Channels;

/// <summary>
/// One delivery channel of a subscription besides its email. <see cref="Secret"/> signs a webhook's posts (made when the
/// channel is added, shown once); null for Slack and Teams. <see cref="Id"/> is derived from the type and the URL, so the
/// same receiver given again is the same channel (kept, not verified again).
/// </summary>
public sealed record Channel(ChannelType Type, string Url, string? Secret = null)
{
    /// <summary>At most this many channels per subscription.</summary>
    public const int MaxPerSubscription = 5;

    /// <summary>A channel URL is at most this long (as a change's <c>url</c>).</summary>
    public const int MaxUrlLength = 2048;

    public string Id { get; } = Ids.Digest("channel", Type.ToWireName(), Url, 16);
}
