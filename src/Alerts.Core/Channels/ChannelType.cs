using System.Text.Json.Serialization;

namespace Alerts.Core.Channels;

/// <summary>Where a subscription's alerts go besides its email.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChannelType>))]
public enum ChannelType
{
    /// <summary>A JSON POST signed like the vendors' posts to us (<c>X-Alerts-Signature</c>).</summary>
    [JsonStringEnumMemberName("webhook")] Webhook,

    /// <summary>A Slack incoming webhook (<c>text</c> and Block Kit <c>blocks</c>).</summary>
    [JsonStringEnumMemberName("slack")] Slack,

    /// <summary>A Microsoft Teams incoming webhook or Workflows "post to a channel when a webhook request is received" URL (an Adaptive Card).</summary>
    [JsonStringEnumMemberName("teams")] Teams,
}
