using Alerts.Core.Delivery;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Delivery;

public sealed class AlertsInFlightTests
{
    private static ReceivedAlerts Message(DateTimeOffset? queuedAt, int deliveryCount = 1) =>
        new($"msg-{Guid.NewGuid():N}", [], deliveryCount, new object(), QueuedAt: queuedAt);

    [Fact]
    public void OldestQueuedAt_NothingHandled_IsNull()
    {
        Assert.Null(new AlertsInFlight().OldestQueuedAt());
    }

    [Fact]
    public void OldestQueuedAt_IsTheOldestFirstDeliveryOfEveryBatchBeingHandled_UntilEachIsDone()
    {
        var inFlight = new AlertsInFlight();
        var now = TestChanges.Now;

        var first = inFlight.Handling([Message(now.AddSeconds(-2)), Message(now.AddSeconds(-5))]);
        var second = inFlight.Handling([Message(now.AddSeconds(-1))]);
        Assert.Equal(now.AddSeconds(-5), inFlight.OldestQueuedAt());

        first.Dispose();
        Assert.Equal(now.AddSeconds(-1), inFlight.OldestQueuedAt());

        second.Dispose();
        Assert.Null(inFlight.OldestQueuedAt());
    }

    [Fact]
    public void Handling_RetriesAndMessagesWithoutADate_DoNotCount()
    {
        var inFlight = new AlertsInFlight();
        var now = TestChanges.Now;

        using var retried = inFlight.Handling([Message(now.AddMinutes(-10), deliveryCount: 2), Message(queuedAt: null)]);

        Assert.Null(inFlight.OldestQueuedAt());
    }
}
