using Alerts.Core.Delivery;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Ingest;

public sealed class QueueBackpressureTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(TestChanges.Now);
    private readonly InMemoryAlertQueue _queue = new();
    private readonly InMemorySubscriberIndex _index = new();
    private readonly GatedSubscriberIndex _gatedIndex;
    private readonly PendingChangeDispatcher _dispatcher;
    private readonly BackgroundFanOut _fanOut;
    private readonly AlertsInFlight _inFlight = new();
    private readonly AlertsStillQueued _stillQueued;

    public QueueBackpressureTests()
    {
        // The fan-out's index read of AAPL is held until the test releases it: a change on AAPL waits in the fan-out.
        _gatedIndex = new GatedSubscriberIndex(_index, "AAPL");
        _stillQueued = new AlertsStillQueued(_time);
        _dispatcher = new PendingChangeDispatcher(
            new MarkRecordingStore(),
            new AlertFanOut(_gatedIndex, _queue, new DispatchSignal(), Options.Create(new DeliveryOptions()), _time, _stillQueued),
            NullLogger<PendingChangeDispatcher>.Instance);
        _fanOut = new BackgroundFanOut(_dispatcher, _time, NullLogger<BackgroundFanOut>.Instance);
    }

    private QueueBackpressure Backpressure(double maxQueueWaitSeconds = 2, int maxHoldSeconds = 5, int maxAlertsWaiting = 0) => new(
        _queue,
        _dispatcher,
        _fanOut,
        _inFlight,
        _stillQueued,
        Options.Create(new IngestOptions { MaxQueueWaitSeconds = maxQueueWaitSeconds, MaxHoldSeconds = maxHoldSeconds, MaxAlertsWaiting = maxAlertsWaiting }),
        _time,
        NullLogger<QueueBackpressure>.Instance);

    /// <summary>Moves the fake clock on in small steps until <paramref name="waiting"/> ends (or a minute of fake time passed), calling <paramref name="atEachStep"/> first.</summary>
    private async Task<TimeSpan> RunClockUntilAsync(Task<TimeSpan> waiting, Action? atEachStep = null)
    {
        for (var i = 0; i < 600 && !waiting.IsCompleted; i++)
        {
            atEachStep?.Invoke();
            await Task.Delay(5);
            _time.Advance(Step);
        }

        return await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WaitAsync_NothingWaiting_ReturnsAtOnce()
    {
        var held = await Backpressure().WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.Zero, held);
        Assert.Equal(1, _queue.OldestWaitingReads);
    }

    [Fact]
    public async Task WaitAsync_QueueBehindLessThanTheLimit_ReturnsAtOnce()
    {
        _queue.OldestWaitingSince = () => _time.GetUtcNow().AddSeconds(-1.5);

        var held = await Backpressure(maxQueueWaitSeconds: 2).WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.Zero, held);
    }

    [Theory]
    [InlineData(0.4, false)]
    [InlineData(0.6, true)]
    public async Task WaitAsync_ALimitBelowASecond_HoldsOnceTheQueueIsBehindByMoreThanIt(double behindSeconds, bool holds)
    {
        // The local runner's limit, half a second: a message waiting 0.6 s holds the post until delivery takes it.
        var caughtUpAt = _time.GetUtcNow().AddSeconds(1);
        var queuedAt = _time.GetUtcNow().AddSeconds(-behindSeconds);
        _queue.OldestWaitingSince = () => _time.GetUtcNow() < caughtUpAt ? queuedAt : null;

        var held = await RunClockUntilAsync(Backpressure(maxQueueWaitSeconds: 0.5).WaitAsync(CancellationToken.None));

        Assert.Equal(holds, held > TimeSpan.Zero);
    }

    [Fact]
    public async Task WaitAsync_ManyPostsAtOnce_ShareOneReadingOfTheQueue()
    {
        var backpressure = Backpressure();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => backpressure.WaitAsync(CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(30));
        await backpressure.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _queue.OldestWaitingReads);

        // Once the reading is older than the interval, the next post reads again.
        _time.Advance(QueueBackpressure.ReadInterval);
        await backpressure.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, _queue.OldestWaitingReads);
    }

    [Fact]
    public async Task WaitAsync_QueueBehind_HoldsThePostUntilDeliveryCatchesUp()
    {
        // A message has waited 3 s (limit 2 s); delivery takes it 1.2 s later and the queue is then empty.
        var queuedAt = _time.GetUtcNow().AddSeconds(-3);
        var caughtUpAt = _time.GetUtcNow().AddSeconds(1.2);
        _queue.OldestWaitingSince = () => _time.GetUtcNow() < caughtUpAt ? queuedAt : null;

        var waiting = Backpressure(maxQueueWaitSeconds: 2, maxHoldSeconds: 5).WaitAsync(CancellationToken.None);
        var held = await RunClockUntilAsync(waiting);

        Assert.InRange(held, TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(1.2) + QueueBackpressure.ReadInterval + Step);
        Assert.True(_queue.OldestWaitingReads > 1);
    }

    [Fact]
    public async Task WaitAsync_QueueStaysBehind_LetsThePostThroughAfterTheLongestHold()
    {
        _queue.OldestWaitingSince = () => _time.GetUtcNow().AddSeconds(-30);

        var waiting = Backpressure(maxQueueWaitSeconds: 2, maxHoldSeconds: 3).WaitAsync(CancellationToken.None);
        var held = await RunClockUntilAsync(waiting);

        Assert.InRange(held, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3) + Step);
    }

    [Fact]
    public async Task WaitAsync_TurnedOff_NeverReadsTheQueue()
    {
        _queue.OldestWaitingSince = () => _time.GetUtcNow().AddMinutes(-10);

        Assert.Equal(TimeSpan.Zero, await Backpressure(maxQueueWaitSeconds: 0).WaitAsync(CancellationToken.None));
        Assert.Equal(TimeSpan.Zero, await Backpressure(maxHoldSeconds: 0).WaitAsync(CancellationToken.None));
        Assert.Equal(0, _queue.OldestWaitingReads);
    }

    [Fact]
    public async Task WaitAsync_QueueCannotBeRead_HoldsNobody()
    {
        _queue.OldestWaitingSince = () => throw new InvalidOperationException("The queue is unreachable.");

        var held = await Backpressure().WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.Zero, held);
    }

    [Fact]
    public async Task WaitAsync_CancelledWhileHeld_Throws()
    {
        _queue.OldestWaitingSince = () => _time.GetUtcNow().AddSeconds(-30);
        using var cancellation = new CancellationTokenSource();

        var waiting = Backpressure().WaitAsync(cancellation.Token);
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(5);
            _time.Advance(Step);
        }

        Assert.False(waiting.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task WaitAsync_AChangeWaitingInTheBackgroundFanOut_HoldsPostsThoughTheQueueIsEmpty_UntilItsAlertsAreQueued()
    {
        _index.Add("AAPL", new Subscriber("aapl-sub", "aapl@example.com", SubscriberRules.Any));
        var change = TestChanges.CifrUpgrade() with { Ticker = "AAPL", Id = "change-aapl" };
        using var stop = new CancellationTokenSource();
        var running = _fanOut.RunAsync(stop.Token);
        Assert.Equal(1, _fanOut.TryHandOff([new PendingDispatch(change)]));
        var backpressure = Backpressure(maxQueueWaitSeconds: 2, maxHoldSeconds: 5);

        // Handed off 3 s ago and its alerts not queued yet (the index read is held): the queue is empty, the post waits.
        _time.Advance(TimeSpan.FromSeconds(3));
        var waiting = backpressure.WaitAsync(CancellationToken.None);
        var held = await RunClockUntilAsync(waiting, atEachStep: () =>
        {
            if (_time.GetUtcNow() >= TestChanges.Now.AddSeconds(4))
            {
                _gatedIndex.Release();
            }
        });

        Assert.InRange(held, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) + QueueBackpressure.ReadInterval + Step + Step);
        Assert.Contains(_queue.Enqueued, m => m.Change.Id == change.Id);
        Assert.Null(_fanOut.OldestWaitingSince());

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WaitAsync_AMessageBeingHandledQueuedLongAgo_HoldsPostsThoughTheQueueIsEmpty_UntilItIsDone()
    {
        var handling = _inFlight.Handling([new ReceivedAlerts("msg-1", [], 1, new object(), QueuedAt: _time.GetUtcNow().AddSeconds(-3))]);
        var doneAt = _time.GetUtcNow().AddSeconds(1);

        var waiting = Backpressure(maxQueueWaitSeconds: 2, maxHoldSeconds: 5).WaitAsync(CancellationToken.None);
        var held = await RunClockUntilAsync(waiting, atEachStep: () =>
        {
            if (_time.GetUtcNow() >= doneAt)
            {
                handling.Dispose();
            }
        });

        Assert.InRange(held, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) + QueueBackpressure.ReadInterval + Step + Step);
    }

    [Fact]
    public async Task BacklogAsync_IsHowLongTheOldestWaitingMessageHasWaited()
    {
        _queue.OldestWaitingSince = () => _time.GetUtcNow().AddSeconds(-7);

        Assert.Equal(TimeSpan.FromSeconds(7), (await Backpressure().BacklogAsync(CancellationToken.None)).Behind);
    }

    /// <summary>A message of <paramref name="recipients"/> alerts of one change, matched at <paramref name="matchedAt"/>.</summary>
    private static AlertsMatched Alerts(int recipients, DateTimeOffset matchedAt, string ticker = "CIFR")
    {
        var change = TestChanges.CifrUpgrade() with { Ticker = ticker, Id = "change-" + ticker };
        var list = Enumerable.Range(0, recipients).Select(i => new AlertRecipient(AlertIds.For(change.Id, $"sub-{i}"), $"sub-{i}", $"user{i}@example.com")).ToList();
        return new AlertsMatched(AlertIds.ForMessage(list.Select(r => r.AlertId)), change, list, matchedAt);
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public async Task WaitAsync_MoreAlertsQueuedThanTheLimit_HoldsThoughNoneIsOld_UntilTheQueueShowsThemTaken(int queued, bool holds)
    {
        // Just queued (nothing near the 2 s age limit), as a flood looks before anything in it is old.
        var matchedAt = _time.GetUtcNow();
        _stillQueued.Added([Alerts(queued, matchedAt)]);
        var takenAt = _time.GetUtcNow().AddSeconds(1);
        _queue.OldestWaitingSince = () => _time.GetUtcNow() < takenAt ? matchedAt : null;

        var held = await RunClockUntilAsync(Backpressure(maxQueueWaitSeconds: 2, maxAlertsWaiting: 100).WaitAsync(CancellationToken.None));

        if (holds)
        {
            Assert.InRange(held, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) + QueueBackpressure.ReadInterval + Step);
        }
        else
        {
            Assert.Equal(TimeSpan.Zero, held);
        }
    }

    [Fact]
    public async Task WaitAsync_OnlyTheAlertsAfterTheOldestWaitingMessageCount()
    {
        // 300 alerts matched a second ago were taken; 60 matched since still wait: under a limit of 100.
        var now = _time.GetUtcNow();
        _stillQueued.Added([Alerts(300, now.AddSeconds(-1))]);
        _stillQueued.Added([Alerts(60, now.AddMilliseconds(-100), ticker: "NVDA")]);
        _queue.OldestWaitingSince = () => now.AddMilliseconds(-100);

        var backpressure = Backpressure(maxQueueWaitSeconds: 2, maxAlertsWaiting: 100);

        Assert.Equal(TimeSpan.Zero, await backpressure.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(60, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);
    }

    [Fact]
    public async Task WaitAsync_AlertsBeingSent_CountUntilTheDispatcherIsDoneWithThem()
    {
        var message = new ReceivedAlerts("msg-1", [Alerts(150, _time.GetUtcNow())], 1, new object(), QueuedAt: _time.GetUtcNow());
        var handling = _inFlight.Handling([message]);
        var halfDoneAt = _time.GetUtcNow().AddSeconds(1);

        var waiting = Backpressure(maxQueueWaitSeconds: 5, maxAlertsWaiting: 100).WaitAsync(CancellationToken.None);
        var held = await RunClockUntilAsync(waiting, atEachStep: () =>
        {
            if (_time.GetUtcNow() >= halfDoneAt && handling.Left == 150)
            {
                handling.Done(75);
            }
        });

        Assert.InRange(held, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) + QueueBackpressure.ReadInterval + Step + Step);
        handling.Dispose();
    }

    [Fact]
    public async Task WaitAsync_ChangesWaitingInTheFanOut_CountAsTheAlertsTheirTickersLatelyMade()
    {
        // One change on CIFR fans out to 3 followers; then 40 changes on AAPL wait in the fan-out (its index read held):
        // about 120 alerts to come, over a limit of 100, though none has waited long.
        for (var i = 0; i < 3; i++)
        {
            _index.Add("CIFR", new Subscriber($"cifr-{i}", $"cifr{i}@example.com", SubscriberRules.Any));
        }

        using var stop = new CancellationTokenSource();
        var running = _fanOut.RunAsync(stop.Token);
        Assert.Equal(1, _fanOut.TryHandOff([new PendingDispatch(TestChanges.CifrUpgrade())]));
        for (var i = 0; i < 3000 && _fanOut.OldestWaitingSince() is not null; i++)
        {
            await Task.Delay(10);
        }

        Assert.Null(_fanOut.OldestWaitingSince());
        Assert.Equal(0, _fanOut.WaitingAlerts());
        Assert.Equal(3, _stillQueued.Noted);

        var aapl = Enumerable.Range(0, 40).Select(i => new PendingDispatch(TestChanges.CifrUpgrade() with { Ticker = "AAPL", Id = $"change-aapl-{i}" })).ToList();
        Assert.Equal(40, _fanOut.TryHandOff(aapl));
        Assert.Equal(120, _fanOut.WaitingAlerts());

        var backpressure = Backpressure(maxQueueWaitSeconds: 60, maxAlertsWaiting: 100);
        var releaseAt = _time.GetUtcNow().AddSeconds(1);
        var held = await RunClockUntilAsync(backpressure.WaitAsync(CancellationToken.None), atEachStep: () =>
        {
            if (_time.GetUtcNow() >= releaseAt)
            {
                _gatedIndex.Release();
            }
        });

        Assert.True(held >= TimeSpan.FromSeconds(1), $"held {held}");
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WaitAsync_AgeLimitOff_TheAlertCountAloneHolds()
    {
        var matchedAt = _time.GetUtcNow().AddMinutes(-0.5);
        _stillQueued.Added([Alerts(500, matchedAt)]);
        _queue.OldestWaitingSince = () => matchedAt;

        var held = await RunClockUntilAsync(Backpressure(maxQueueWaitSeconds: 0, maxHoldSeconds: 2, maxAlertsWaiting: 100).WaitAsync(CancellationToken.None));

        Assert.InRange(held, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2) + Step);
    }

    /// <summary>
    /// One change on CIFR fanned out to its 2 followers, so the dispatcher expects 2 alerts per change; its alerts were
    /// taken (the queue reads as empty from now on).
    /// </summary>
    private async Task TwoAlertsPerChangeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            _index.Add("CIFR", new Subscriber($"cifr-{i}", $"cifr{i}@example.com", SubscriberRules.Any));
        }

        await _dispatcher.DispatchAsync([new PendingDispatch(TestChanges.CifrUpgrade())], CancellationToken.None);
        Assert.Equal(2.0, _dispatcher.AlertsPerChange);
        _time.Advance(Step);
    }

    /// <summary>A post of <paramref name="changes"/> changes let through, with the fake clock standing still.</summary>
    private static Task<QueueBackpressure.Admission> AdmitNowAsync(QueueBackpressure backpressure, int changes) =>
        backpressure.AdmitAsync(changes, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task WaitAsync_ChangesOfAPostBeingStored_CountAsTheAlertsTheyWillMake_UntilHandedOff()
    {
        // One change on CIFR fanned out to 2 followers: 2 alerts per change. A post of 60 followed changes is being stored
        // (about 120 alerts to come, over the limit of 100): the next post waits until it hands them off, and the fan-out
        // then counts them instead (none waits there: nothing runs it, so they are not taken).
        await TwoAlertsPerChangeAsync();
        var backpressure = Backpressure(maxQueueWaitSeconds: 60, maxAlertsWaiting: 100);
        var storing = backpressure.Storing(60);
        Assert.Equal(120, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);

        var storedAt = _time.GetUtcNow().AddSeconds(1);
        var held = await RunClockUntilAsync(backpressure.WaitAsync(CancellationToken.None), atEachStep: () =>
        {
            if (_time.GetUtcNow() >= storedAt)
            {
                storing.HandedOff(60);
            }
        });

        Assert.InRange(held, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) + QueueBackpressure.ReadInterval + Step + Step);
        storing.Dispose();
        _time.Advance(QueueBackpressure.ReadInterval);
        Assert.Equal(0, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);
    }

    [Fact]
    public async Task AdmitAsync_TwoPostsTogether_TheSecondSeesTheFirstsAlerts_AndWaitsUntilTheyAreHandedOff()
    {
        // 2 alerts per followed change; a limit of 100 alerts. Two posts of 60 changes arrive within one reading of the
        // queue: the first is let through and counts as 120 alerts at once, so the second waits (on that same reading it
        // would have seen nothing waiting) until the first hands its changes off and they are taken.
        await TwoAlertsPerChangeAsync();
        var backpressure = Backpressure(maxQueueWaitSeconds: 60, maxAlertsWaiting: 100);

        var first = await AdmitNowAsync(backpressure, 60);
        Assert.Equal(TimeSpan.Zero, first.Held);
        Assert.Equal(120, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);

        var handedOffAt = _time.GetUtcNow().AddSeconds(1);
        var second = backpressure.AdmitAsync(60, CancellationToken.None);
        var held = await RunClockUntilAsync(second.ContinueWith(t => t.Result.Held, TaskScheduler.Default), atEachStep: () =>
        {
            if (_time.GetUtcNow() >= handedOffAt)
            {
                first.Storing.Dispose();
            }
        });

        Assert.InRange(held, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1) + QueueBackpressure.ReadInterval + Step + Step);
        Assert.Equal(120, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);
        (await second).Storing.Dispose();
        Assert.Equal(0, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);
    }

    [Fact]
    public async Task AdmitAsync_ChangesFoundNotFollowed_StopCounting()
    {
        await TwoAlertsPerChangeAsync();
        var backpressure = Backpressure(maxQueueWaitSeconds: 60, maxAlertsWaiting: 100);

        var admission = await AdmitNowAsync(backpressure, 60);
        admission.Storing.Expect(10);
        Assert.Equal(20, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);

        // A post admitted now fits under the limit again, at once.
        var next = await AdmitNowAsync(backpressure, 30);
        Assert.Equal(TimeSpan.Zero, next.Held);
        Assert.Equal(80, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);
        next.Storing.Dispose();
        admission.Storing.Dispose();
        Assert.Equal(0, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);
    }

    [Fact]
    public async Task AdmitAsync_HoldTurnedOff_StillCountsThePost()
    {
        await TwoAlertsPerChangeAsync();
        var backpressure = Backpressure(maxQueueWaitSeconds: 0, maxAlertsWaiting: 0);

        var admission = await AdmitNowAsync(backpressure, 5);
        Assert.Equal(TimeSpan.Zero, admission.Held);
        Assert.Equal(10, (await backpressure.BacklogAsync(CancellationToken.None)).Alerts);
    }

    [Fact]
    public async Task EachReading_RecordsTheAlertsWaiting()
    {
        // A number no other test queues, so that this test's measurement is told apart (the meter is process-wide).
        var recorded = new System.Collections.Concurrent.ConcurrentQueue<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == global::Alerts.Core.Diagnostics.AlertsTelemetry.Name && instrument.Name == "alerts.delivery.waiting")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => recorded.Enqueue(value));
        listener.Start();
        var matchedAt = _time.GetUtcNow();
        _stillQueued.Added([Alerts(4_321, matchedAt)]);
        _queue.OldestWaitingSince = () => matchedAt;

        Assert.Equal(4_321, (await Backpressure().BacklogAsync(CancellationToken.None)).Alerts);

        Assert.Contains(4_321L, recorded);
    }
}
