using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

public sealed class AlertsStillQueuedTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now);

    private static AlertsMatched Message(DateTimeOffset matchedAt, int recipients)
    {
        var change = TestChanges.CifrUpgrade();
        var list = Enumerable.Range(0, recipients).Select(i => new AlertRecipient(AlertIds.For(change.Id, $"sub-{i}"), $"sub-{i}", $"user{i}@example.com")).ToList();
        return new AlertsMatched(AlertIds.ForMessage(list.Select(r => r.AlertId)), change, list, matchedAt);
    }

    [Fact]
    public void Count_IsWhatWasQueuedFromTheOldestWaitingMessageOn()
    {
        var stillQueued = new AlertsStillQueued(_time);
        var now = _time.GetUtcNow();
        stillQueued.Added([Message(now.AddMilliseconds(-300), 2), Message(now.AddMilliseconds(-200), 250)]);
        stillQueued.Added([Message(now.AddMilliseconds(-100), 40)]);
        Assert.Equal(292, stillQueued.Noted);

        // Nothing taken yet: the oldest waiting message is the first.
        Assert.Equal(292, stillQueued.Count(now.AddMilliseconds(-300), now));

        // The first two were taken: the oldest waiting message was matched 100 ms ago.
        Assert.Equal(40, stillQueued.Count(now.AddMilliseconds(-100), now));

        // What was dropped stays dropped when an older reading comes in late.
        Assert.Equal(40, stillQueued.Count(now.AddMilliseconds(-300), now));
    }

    [Fact]
    public void Count_QueueEmpty_DropsWhatWasQueuedBeforeTheReadingBegan_NotWhatCameDuringIt()
    {
        var stillQueued = new AlertsStillQueued(_time);
        var readAt = _time.GetUtcNow();
        stillQueued.Added([Message(readAt.AddMilliseconds(-50), 10)]);

        // Matched and queued while the peek was on its way (after it began): the peek could not see it.
        _time.Advance(TimeSpan.FromMilliseconds(20));
        stillQueued.Added([Message(_time.GetUtcNow(), 7)]);

        Assert.Equal(7, stillQueued.Count(oldestMatchedAt: null, readAt));
    }

    [Fact]
    public void Notes_OlderThanTheMaxAge_AreDroppedWhateverTheQueueSays()
    {
        var stillQueued = new AlertsStillQueued(_time);
        var start = _time.GetUtcNow();
        stillQueued.Added([Message(start, 5)]);

        _time.Advance(AlertsStillQueued.MaxAge + TimeSpan.FromSeconds(1));
        stillQueued.Added([Message(_time.GetUtcNow(), 3)]);

        Assert.Equal(3, stillQueued.Noted);
        Assert.Equal(3, stillQueued.Count(start, _time.GetUtcNow()));
    }
}
