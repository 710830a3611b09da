using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Matching;

/// <summary>The notable-only rule matches like no rule, and travels with the recipient to the dispatcher.</summary>
public class NotableOnlyFanOutTests
{
    [Fact]
    public async Task DispatchAsync_NotableOnlySubscriber_MatchedAndMarkedOnlyThem()
    {
        var index = new InMemorySubscriberIndex();
        var queue = new InMemoryAlertQueue();
        index.Add("CIFR", new Subscriber("plain", "plain@example.com", SubscriberRules.Any));
        index.Add("CIFR", new Subscriber("notable", "notable@example.com", new SubscriberRules { NotableOnly = true }));
        var fanOut = new AlertFanOut(index, queue, new DispatchSignal(), Options.Create(new DeliveryOptions()), new FakeTimeProvider(TestChanges.Now));

        var matched = await fanOut.DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(2, matched);
        var recipients = queue.Enqueued.SelectMany(m => m.Recipients).ToDictionary(r => r.SubscriptionId);
        Assert.Null(recipients["plain"].NotableOnly);
        Assert.True(recipients["notable"].NotableOnly);
    }
}
