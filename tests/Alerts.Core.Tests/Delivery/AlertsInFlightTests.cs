using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Delivery;

public sealed class AlertsInFlightTests
{
    private static ReceivedAlerts Message(DateTimeOffset? queuedAt, int deliveryCount = 1, int recipients = 0)
    {
        var id = $"msg-{Guid.NewGuid():N}";
        var change = TestChanges.CifrUpgrade();
        var alerts = recipients == 0
            ? new List<AlertsMatched>()
            : [new AlertsMatched(id, change, Enumerable.Range(0, recipients).Select(i => new AlertRecipient(AlertIds.For(change.Id, $"sub-{i}"), $"sub-{i}", $"user{i}@example.com")).ToList(), TestChanges.Now)];
        return new(id, alerts, deliveryCount, new object(), QueuedAt: queuedAt);
    }

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
        Assert.Equal(0, inFlight.Alerts());
    }

    [Fact]
    public void Alerts_AreTheFirstDeliveriesAlertsNotDone_UntilTheBatchIsDisposed()
    {
        var inFlight = new AlertsInFlight();
        var now = TestChanges.Now;

        var batch = inFlight.Handling([Message(now, recipients: 3), Message(now, recipients: 4), Message(now, deliveryCount: 3, recipients: 50)]);
        using var other = inFlight.Handling([Message(now, recipients: 2)]);
        Assert.Equal(9, inFlight.Alerts());

        batch.Done(3);
        Assert.Equal(6, inFlight.Alerts());
        Assert.Equal(4, batch.Left);

        batch.Dispose();
        Assert.Equal(2, inFlight.Alerts());
    }
}
