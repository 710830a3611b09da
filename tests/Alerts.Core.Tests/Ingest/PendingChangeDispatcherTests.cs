using Alerts.Core.Delivery;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Ingest;

/// <summary>
/// Changes dispatched together: each matched, the last messages of many of them enqueued in one call (the transport packs
/// them into shared messages), then the queued ones marked dispatched; a change whose alerts did not all reach the queue
/// stays pending; a slow fan-out holds back nobody else's alerts.
/// </summary>
public sealed class PendingChangeDispatcherTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now.AddSeconds(3));
    private readonly InMemorySubscriberIndex _index = new();
    private readonly InMemoryAlertQueue _queue = new();
    private readonly DispatchSignal _signal = new();
    private readonly MarkRecordingStore _store = new();

    private PendingChangeDispatcher Dispatcher(int recipientsPerMessage = 1000, ISubscriberIndex? index = null) => new(
        _store,
        new AlertFanOut(index ?? _index, _queue, _signal, Options.Create(new DeliveryOptions { RecipientsPerMessage = recipientsPerMessage }), _time),
        NullLogger<PendingChangeDispatcher>.Instance);

    private RatingChange FollowedChange(string ticker, int followers)
    {
        for (var i = 0; i < followers; i++)
        {
            _index.Add(ticker, new Subscriber($"{ticker}-sub-{i}", $"{ticker.ToLowerInvariant()}{i}@example.com", SubscriberRules.Any));
        }

        return TestChanges.CifrUpgrade() with { Ticker = ticker, Id = $"change-{ticker}" };
    }

    [Fact]
    public async Task DispatchAsync_ChangesWithFewFollowers_EnqueueTheirAlertsTogether_ThenMarkEachDispatched()
    {
        // 40 changes, 16 at a time: the first 24 finish while changes remain to be started, so their messages wait and
        // leave together with the next one's; the last ones leave as they finish.
        var changes = Enumerable.Range(0, 40).Select(i => new PendingDispatch(FollowedChange($"T{i:00}", 2))).ToList();

        var result = await Dispatcher().DispatchAsync(changes, CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(80, 40, 0), result);
        Assert.InRange(_queue.EnqueueCalls.Max(call => call.Count), 40 - PendingChangeDispatcher.Concurrency + 1, 40);
        Assert.InRange(_queue.EnqueueCalls.Count, 1, PendingChangeDispatcher.Concurrency);
        Assert.Equal(changes.Select(c => c.Change.Id).Order(StringComparer.Ordinal), _queue.Enqueued.Select(m => m.Change.Id).Order(StringComparer.Ordinal));
        Assert.All(_queue.Enqueued, m => Assert.Equal(2, m.Recipients.Count));
        Assert.Equal(changes.Select(c => c.Change.Id).Order(StringComparer.Ordinal), _store.Dispatched.Order(StringComparer.Ordinal));
        Assert.True(await _signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task DispatchAsync_ASlowFanOut_DoesNotHoldBackTheAlertsOfTheChangesBesideIt()
    {
        var slow = FollowedChange("AAPL", 3);
        var quick = FollowedChange("CIFR", 2);
        var index = new GatedSubscriberIndex(_index, "AAPL");

        var dispatcher = Dispatcher(index: index);
        var dispatching = dispatcher.DispatchAsync([new PendingDispatch(slow), new PendingDispatch(quick)], CancellationToken.None);

        // The slow ticker's index read is held; the other change's alerts are queued meanwhile.
        await WaitUntilAsync(() => _queue.Enqueued.Any(m => m.Change.Id == quick.Id));
        Assert.False(dispatching.IsCompleted);
        Assert.DoesNotContain(_queue.Enqueued, m => m.Change.Id == slow.Id);
        index.Release();
        var result = await dispatching;

        Assert.Equal(new PendingDispatchResult(5, 2, 0), result);
        Assert.Contains(_queue.Enqueued, m => m.Change.Id == slow.Id);
        Assert.Equal(new[] { quick.Id, slow.Id }.Order(StringComparer.Ordinal), _store.Dispatched.Order(StringComparer.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition did not come true within 5 s");
    }

    /// <summary>The in-memory index, holding every read of one ticker until released (a slow, popular ticker's fan-out).</summary>

    [Fact]
    public async Task DispatchAsync_APopularChange_StreamsItsFullCallsAndLeavesOnlyItsTailToBeEnqueuedWithOthers()
    {
        // 25 followers at 2 per message: 13 messages, the first 10 enqueued by the change's own fan-out, 3 in the shared call.
        var popular = FollowedChange("CIFR", 25);
        var quiet = FollowedChange("NVDA", 1);

        var result = await Dispatcher(recipientsPerMessage: 2).DispatchAsync([new PendingDispatch(popular), new PendingDispatch(quiet)], CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(26, 2, 0), result);
        var streamed = Assert.Single(_queue.EnqueueCalls, call => call.Count == 10);
        Assert.All(streamed, m => Assert.Equal(popular.Id, m.Change.Id));
        Assert.Equal(["CIFR", "CIFR", "CIFR", "NVDA"], _queue.EnqueueCalls.Where(call => call != streamed).SelectMany(call => call).Select(m => m.Change.Ticker).Order(StringComparer.Ordinal));
        Assert.Equal(25, _queue.Enqueued.Where(m => m.Change.Id == popular.Id).SelectMany(m => m.Recipients).Select(r => r.SubscriptionId).Distinct().Count());
    }

    [Fact]
    public async Task DispatchAsync_ASharedCallFails_ItsChangesStayPending_OnesFullyQueuedBeforeAreMarked()
    {
        // The popular change's alerts all leave in its own calls (20 followers, 2 per message: exactly 10 messages).
        var popular = FollowedChange("CIFR", 20);
        var quiet = FollowedChange("NVDA", 2);
        _queue.FailEnqueue = messages => messages.Any(m => m.Change.Id == quiet.Id);

        var result = await Dispatcher(recipientsPerMessage: 2).DispatchAsync([new PendingDispatch(popular), new PendingDispatch(quiet)], CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(20, 1, 1), result);
        Assert.Equal([popular.Id], _store.Dispatched);
        Assert.DoesNotContain(_queue.Enqueued, m => m.Change.Id == quiet.Id);
    }

    [Fact]
    public async Task DispatchAsync_NoFollowers_EnqueuesNothingAndMarksDispatched()
    {
        var change = FollowedChange("CIFR", 0);

        var result = await Dispatcher().DispatchAsync([new PendingDispatch(change)], CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(0, 1, 0), result);
        Assert.Empty(_queue.EnqueueCalls);
        Assert.Equal([change.Id], _store.Dispatched);
    }
}
