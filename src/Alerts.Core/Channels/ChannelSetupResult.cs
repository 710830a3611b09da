namespace Alerts.Core.Channels;

/// <summary>
/// What <see cref="ChannelSetup.PrepareAsync"/> made of a subscription body's channels: the channels to store (secrets
/// included), the ids of those added now (whose webhook secrets the answer shows, once), or the errors, each naming its field.
/// </summary>
public sealed record ChannelSetupResult(IReadOnlyList<Channel> Channels, IReadOnlyList<string> Added, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
