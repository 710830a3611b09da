using System.Text.Json;
using Alerts.Core.Channels;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Channels;

public class ChannelMessagesTests
{
    private static ChannelDelivery Delivery(ChannelType type) =>
        new("alert-1", "sub-1", new Channel(type, "https://example.com/hook", "whsec_x"), TestChanges.CifrUpgrade());

    [Fact]
    public void Alert_Webhook_TheContractsShape()
    {
        using var json = JsonDocument.Parse(ChannelMessages.Alert(ChannelType.Webhook, Delivery(ChannelType.Webhook), null, "https://a.test/t/CIFR", "https://a.test/manage?token=t"));
        var root = json.RootElement;

        Assert.Equal("alert", root.GetProperty("type").GetString());
        Assert.Equal("alert-1", root.GetProperty("id").GetString());
        Assert.Equal("sub-1", root.GetProperty("subscriptionId").GetString());
        Assert.Equal("CIFR", root.GetProperty("change").GetProperty("ticker").GetString());
        Assert.Equal("upgrade", root.GetProperty("change").GetProperty("action").GetString());
        Assert.Equal("https://a.test/t/CIFR", root.GetProperty("links").GetProperty("ticker").GetString());
        Assert.Equal("https://a.test/manage?token=t", root.GetProperty("links").GetProperty("manage").GetString());
        Assert.False(root.GetProperty("change").TryGetProperty("secret", out _));
    }

    [Fact]
    public void Alert_Slack_EscapesItsControlCharacters()
    {
        var delivery = Delivery(ChannelType.Slack) with { Change = TestChanges.CifrUpgrade() with { Firm = "<!channel> & Co" } };

        using var json = JsonDocument.Parse(ChannelMessages.Alert(ChannelType.Slack, delivery, null, "https://a.test/t/CIFR", "https://a.test/m"));

        var section = json.RootElement.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString();
        Assert.Contains("&lt;!channel&gt; &amp; Co", section, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", section, StringComparison.Ordinal);
    }

    [Fact]
    public void WebhookVerification_CarriesTheChallenge()
    {
        using var json = JsonDocument.Parse(ChannelMessages.WebhookVerification("abc"));

        Assert.Equal("url_verification", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("abc", json.RootElement.GetProperty("challenge").GetString());
    }
}
