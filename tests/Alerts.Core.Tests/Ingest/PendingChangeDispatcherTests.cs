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
/// Changes dispatched together: each matched, the last messages of all of them enqueued in one call (the transport packs
/// them into shared messages), then the queued ones marked dispatched; a change whose alerts did not all reach the queue stays pending.
/// </summary>
public sealed class PendingChangeDispatcherTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now.AddSeconds(3));
    private readonly InMemorySubscriberIndex _index = new();
    private readonly InMemoryAlertQueue _queue = new();
    private readonly DispatchSignal _signal = new();
    private readonly MarkRecordingStore _store = new();

    private PendingChangeDispatcher Dispatcher(int recipientsPerMessage = 1000) => new(
        _store,
        new AlertFanOut(_index, _queue, _signal, Options.Create(new DeliveryOptions { RecipientsPerMessage = recipientsPerMessage }), _time),
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
    public async Task DispatchAsync_ChangesWithFewFollowers_EnqueueTheirAlertsInOneCall_ThenMarkEachDispatched()
    {
        var changes = new[] { "CIFR", "NVDA", "AAPL", "MSFT" }.Select(t => new PendingDispatch(FollowedChange(t, 2))).ToList();

        var result = await Dispatcher().DispatchAsync(changes, CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(8, 4, 0), result);
        var call = Assert.Single(_queue.EnqueueCalls);
        Assert.Equal(changes.Select(c => c.Change.Id).Order(StringComparer.Ordinal), call.Select(m => m.Change.Id).Order(StringComparer.Ordinal));
        Assert.All(call, m => Assert.Equal(2, m.Recipients.Count));
        Assert.Equal(changes.Select(c => c.Change.Id).Order(StringComparer.Ordinal), _store.Dispatched.Order(StringComparer.Ordinal));
        Assert.True(await _signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task DispatchAsync_APopularChange_StreamsItsFullCallsAndLeavesOnlyItsTailToTheSharedCall()
    {
        // 25 followers at 2 per message: 13 messages, the first 10 enqueued by the change's own fan-out, 3 in the shared call.
        var popular = FollowedChange("CIFR", 25);
        var quiet = FollowedChange("NVDA", 1);

        var result = await Dispatcher(recipientsPerMessage: 2).DispatchAsync([new PendingDispatch(popular), new PendingDispatch(quiet)], CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(26, 2, 0), result);
        Assert.Equal(2, _queue.EnqueueCalls.Count);
        Assert.Equal(10, _queue.EnqueueCalls[0].Count);
        Assert.All(_queue.EnqueueCalls[0], m => Assert.Equal(popular.Id, m.Change.Id));
        Assert.Equal(["CIFR", "CIFR", "CIFR", "NVDA"], _queue.EnqueueCalls[1].Select(m => m.Change.Ticker).Order(StringComparer.Ordinal));
        Assert.Equal(25, _queue.Enqueued.Where(m => m.Change.Id == popular.Id).SelectMany(m => m.Recipients).Select(r => r.SubscriptionId).Distinct().Count());
    }

    [Fact]
    public async Task DispatchAsync_TheSharedCallFails_ItsChangesStayPending_OnesFullyQueuedBeforeAreMarked()
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

    /// <summary>Only the marks are this class's business; the store itself is tested against Azurite.</summary>
    private sealed class MarkRecordingStore : IRatingChangeStore
    {
        public List<string> Dispatched { get; } = [];

        public Task MarkAsync(IReadOnlyList<DispatchMark> marks, CancellationToken cancellationToken)
        {
            lock (Dispatched)
            {
                Dispatched.AddRange(marks.Where(m => m.State == DispatchState.Dispatched).Select(m => m.Change.Id));
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, Func<RatingChange, DispatchState> initialState, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoreResult>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RatingChange>> GetPendingAsync(string ticker, DateTimeOffset receivedBefore, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<(RatingChange Change, DispatchState State)?> GetAsync(string ticker, string changeId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RatingChange>> GetWindowAsync(string ticker, DateTimeOffset from, DateTimeOffset until, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
