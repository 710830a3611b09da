using Alerts.Core.Channels;

namespace Alerts.Core.Tests.Channels;

public class ChannelOptionsTests
{
    [Fact]
    public void Backoff_DoublesFromTheBaseForEachAttempt()
    {
        var options = new ChannelOptions { RetryBaseSeconds = 10 };

        Assert.Equal(
            [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(80)],
            Enumerable.Range(2, 4).Select(options.Backoff));
    }
}
