namespace Alerts.Core.Channels;

/// <summary>The wire names of <see cref="ChannelType"/>: <c>webhook</c>, <c>slack</c>, <c>teams</c>.</summary>
public static class ChannelTypes
{
    public static IReadOnlyList<string> All { get; } = ["webhook", "slack", "teams"];

    public static string ToWireName(this ChannelType type) => type switch
    {
        ChannelType.Slack => "slack",
        ChannelType.Teams => "teams",
        _ => "webhook",
    };

    public static bool TryParse(string? value, out ChannelType type)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "webhook":
                type = ChannelType.Webhook;
                return true;
            case "slack":
                type = ChannelType.Slack;
                return true;
            case "teams":
                type = ChannelType.Teams;
                return true;
            default:
                type = ChannelType.Webhook;
                return false;
        }
    }
}
