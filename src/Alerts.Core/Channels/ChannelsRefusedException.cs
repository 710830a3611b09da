namespace Alerts.Core.Channels;

/// <summary>A new subscription's channels did not pass <see cref="ChannelSetup"/>: nothing was stored; each error names its field.</summary>
public sealed class ChannelsRefusedException(IReadOnlyList<ValidationError> errors) : Exception("The subscription's channels were refused.")
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
