using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Matching;

public class AlertFanOutTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now.AddSeconds(3));
    private readonly InMemorySubscriberIndex _index = new();
    private readonly InMemoryAlertQueue _queue = new();
    private readonly DispatchSignal _signal = new();

    private AlertFanOut FanOut(int recipientsPerMessage) =>
        new(_index, _queue, _signal, Options.Create(new DeliveryOptions { RecipientsPerMessage = recipientsPerMessage }), _time);

    private void Subscribe(int count, SubscriberRules? rules = null, string ticker = "CIFR", string prefix = "sub")
    {
        for (var i = 0; i < count; i++)
        {
            _index.Add(ticker, new Subscriber($"{prefix}-{i}", $"{prefix}{i}@example.com", rules ?? SubscriberRules.Any));
        }
    }

    [Fact]
    public async Task DispatchAsync_MoreRecipientsThanPerMessage_SplitsIntoMessagesOfThatSize()
    {
        Subscribe(5);

        var matched = await FanOut(2).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(5, matched);
        var messages = _queue.Enqueued.ToList();
        Assert.Equal([2, 2, 1], messages.Select(m => m.Recipients.Count));
        Assert.Equal(
            Enumerable.Range(0, 5).Select(i => $"sub-{i}"),
            messages.SelectMany(m => m.Recipients).Select(r => r.SubscriptionId));
    }

    [Fact]
    public async Task DispatchAsync_TransportTakesFewerRecipientsThanConfigured_UsesTheTransportsLimit()
    {
        Subscribe(7);
        _queue.MaxRecipientsPerMessage = 3;

        await FanOut(1000).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal([3, 3, 1], _queue.Enqueued.Select(m => m.Recipients.Count));
    }

    [Fact]
    public async Task DispatchAsync_Recipient_CarriesDeliverySettingsOnlyWhenTheyCanHoldAnAlert()
    {
        var digest = new DeliverySettings { Mode = DeliveryMode.Digest, TimeZone = "Europe/Paris" };
        _index.Add("CIFR", new Subscriber("digest", "digest@example.com", SubscriberRules.Any, digest));
        _index.Add("CIFR", new Subscriber("plain", "plain@example.com", SubscriberRules.Any, new DeliverySettings { TimeZone = "Europe/Paris" }));

        await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        var recipients = _queue.Enqueued.SelectMany(m => m.Recipients).ToDictionary(r => r.SubscriptionId);
        Assert.Equal(digest, recipients["digest"].Delivery);
        Assert.Null(recipients["plain"].Delivery);
    }

    [Fact]
    public async Task DispatchAsync_Recipient_CarriesDeterministicAlertIdAndEmail()
    {
        Subscribe(1);
        var change = TestChanges.CifrUpgrade();

        await FanOut(100).DispatchAsync(change, CancellationToken.None);

        var message = Assert.Single(_queue.Enqueued);
        var recipient = Assert.Single(message.Recipients);
        Assert.Equal(AlertIds.For(change.Id, "sub-0"), recipient.AlertId);
        Assert.Equal("sub0@example.com", recipient.Email);
        Assert.Same(change, message.Change);
        Assert.Equal(_time.GetUtcNow(), message.MatchedAt);
        Assert.Equal(AlertIds.ForMessage([recipient.AlertId]), message.MessageId);
    }

    [Fact]
    public async Task DispatchAsync_OnlyMatchingSubscribers_AreEnqueued()
    {
        Subscribe(2, new SubscriberRules { Actions = [RatingAction.Upgrade] }, prefix: "ups");
        Subscribe(3, new SubscriberRules { Actions = [RatingAction.Downgrade] }, prefix: "downs");
        Subscribe(1, new SubscriberRules { Firms = ["Citi"] }, prefix: "citi");
        Subscribe(1, new SubscriberRules { MinTargetChangePct = 60m }, prefix: "big");
        Subscribe(1, new SubscriberRules { MinTargetChangePct = 50m }, prefix: "half");

        var matched = await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(3, matched);
        Assert.Equal(["ups-0", "ups-1", "half-0"], _queue.Enqueued.SelectMany(m => m.Recipients).Select(r => r.SubscriptionId));
    }

    [Fact]
    public async Task DispatchAsync_NewRulesAndPause_OnlyMatchingUnpausedSubscribersAreEnqueued()
    {
        Subscribe(2, new SubscriberRules { Paused = true }, prefix: "paused");
        Subscribe(1, new SubscriberRules { ExcludeFirms = ["JPMorgan"] }, prefix: "nojpm");
        Subscribe(1, new SubscriberRules { MinRating = RatingLevel.StrongBuy }, prefix: "strong");
        Subscribe(1, new SubscriberRules { MinRating = RatingLevel.Buy, Direction = NewsDirection.Positive }, prefix: "bullish");
        Subscribe(1, new SubscriberRules { Direction = NewsDirection.Negative }, prefix: "bearish");

        var matched = await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(1, matched);
        Assert.Equal(["bullish-0"], _queue.Enqueued.SelectMany(m => m.Recipients).Select(r => r.SubscriptionId));
    }

    [Fact]
    public async Task DispatchAsync_ReadsOnlyTheChangesTicker()
    {
        Subscribe(2, ticker: "MSFT", prefix: "msft");
        Subscribe(1, ticker: "CIFR", prefix: "cifr");

        var matched = await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(1, matched);
        Assert.Equal(["CIFR"], _index.Requests);
        Assert.Equal("cifr-0", Assert.Single(Assert.Single(_queue.Enqueued).Recipients).SubscriptionId);
    }

    [Fact]
    public async Task DispatchAsync_NoMatch_EnqueuesNothing()
    {
        Subscribe(3, new SubscriberRules { Actions = [RatingAction.Suspend] });

        var matched = await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(0, matched);
        Assert.Empty(_queue.EnqueueCalls);
        Assert.False(await _signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task DispatchAsync_Matched_SignalsTheDispatcher()
    {
        Subscribe(1);

        await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.True(await _signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task DispatchAsync_SameChangeTwice_SameMessageIds()
    {
        Subscribe(7);
        var change = TestChanges.CifrUpgrade();

        await FanOut(3).DispatchAsync(change, CancellationToken.None);
        var first = _queue.Enqueued.Select(m => m.MessageId).ToList();
        _queue.EnqueueCalls.Clear();
        _time.Advance(TimeSpan.FromMinutes(10));
        await FanOut(3).DispatchAsync(change, CancellationToken.None);
        var second = _queue.Enqueued.Select(m => m.MessageId).ToList();

        Assert.Equal(3, first.Count);
        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task DispatchAsync_OtherChange_OtherMessageIds()
    {
        Subscribe(2);

        await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);
        await FanOut(100).DispatchAsync(TestChanges.CifrUpgrade() with { Id = "change-cifr-2" }, CancellationToken.None);

        var ids = _queue.Enqueued.Select(m => m.MessageId).ToList();
        Assert.Equal(2, ids.Count);
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public async Task DispatchAsync_ManyMessages_EnqueuedInBatchesOfAtMostTen()
    {
        Subscribe(25);

        var matched = await FanOut(1).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal(25, matched);
        Assert.Equal([10, 10, 5], _queue.EnqueueCalls.Select(c => c.Count));
        Assert.Equal(25, _queue.Enqueued.Select(m => m.MessageId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task DispatchAsync_ExactMultipleOfPageSize_NoEmptyMessage()
    {
        Subscribe(4);

        await FanOut(2).DispatchAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.Equal([2, 2], _queue.Enqueued.Select(m => m.Recipients.Count));
    }

    /// <summary>Page size of the index, recipients per message.</summary>
    [Theory]
    [InlineData(1000, 7)]
    [InlineData(3, 7)]
    [InlineData(1, 1)]
    [InlineData(50, 1000)]
    public async Task DispatchAsync_RandomRowsOverSeveralPages_SameMessagesAsTheRowByRowCheck(int pageSize, int recipientsPerMessage)
    {
        var random = new Random(pageSize * 31 + recipientsPerMessage);
        var ruleSets = Enumerable.Range(0, 12).Select(_ => RandomRules.Rules(random)).ToList();
        var rows = RandomRules.Rows(random, 400, ruleSets);
        var paris = new DeliverySettings { TimeZone = "Europe/Paris" };
        var digest = new DeliverySettings { Mode = DeliveryMode.Digest };
        rows = [.. rows.Select((row, i) => (i % 3) switch { 0 => row, 1 => row with { Delivery = paris }, _ => row with { Delivery = digest } })];
        foreach (var row in rows)
        {
            _index.Add("CIFR", row);
        }

        _index.PageSize = pageSize;
        var change = TestChanges.CifrUpgrade() with { Firm = "Citi" };

        var matched = await FanOut(recipientsPerMessage).DispatchAsync(change, CancellationToken.None);

        // What matching row by row gives: every matching row in index order, in messages of the size asked for.
        var expected = rows
            .Where(row => AlertMatcher.Matches(change, row.Rules))
            .Select(row => new AlertRecipient(AlertIds.For(change.Id, row.SubscriptionId), row.SubscriptionId, row.Email, row.Delivery == digest ? digest : null))
            .Chunk(recipientsPerMessage)
            .Select(recipients => new AlertsMatched(AlertIds.ForMessage(recipients.Select(r => r.AlertId)), change, recipients, _time.GetUtcNow()))
            .ToList();
        Assert.Equal(expected.Sum(m => m.Recipients.Count), matched);
        Assert.InRange(matched, 1, rows.Count - 1);
        Assert.Equal(expected.Chunk(10).Select(batch => batch.Length), _queue.EnqueueCalls.Select(c => c.Count));
        var actual = _queue.Enqueued.ToList();
        Assert.Equal(expected.Select(m => m.MessageId), actual.Select(m => m.MessageId));
        Assert.Equal(expected.SelectMany(m => m.Recipients), actual.SelectMany(m => m.Recipients));
        Assert.All(actual, m => Assert.Same(change, m.Change));
    }
}
