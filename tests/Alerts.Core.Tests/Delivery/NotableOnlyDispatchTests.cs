using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

/// <summary>
/// A subscriber who asked for notable calls only: the dispatcher drops a change with no notable line for them once the
/// street context is known, recorded in the sent log so that a redelivery sends nothing, and sends the others as usual.
/// </summary>
public class NotableOnlyDispatchTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now.AddSeconds(30));
    private readonly InMemoryAlertQueue _queue = new();
    private readonly ScriptedEmailSender _sender = new();
    private readonly InMemorySentAlertLog _sentLog = new();
    private readonly InMemoryRatingHistory _history = new();
    private readonly InMemoryHeldAlertStore _held = new();

    private AlertDispatcher Dispatcher() => new(
        _queue,
        _sender,
        _sentLog,
        new InMemorySuppressionList(),
        new AlertEmailComposer(TestLinks.Create(_time), TestLinks.Email()),
        new StreetContextReader(_history, _time, NullLogger<StreetContextReader>.Instance),
        new DeliveryRouter(_held, _held, _sentLog, _time),
        new DispatchSignal(),
        Options.Create(new DeliveryOptions()),
        _time,
        NullLogger<AlertDispatcher>.Instance);

    /// <summary>sub-0 takes every alert, sub-1 notable calls only.</summary>
    private static ReceivedAlerts Message(RatingChange change, string messageId = "msg-1") => new(
        messageId,
        [new AlertsMatched(messageId, change, [
            new AlertRecipient(AlertIds.For(change.Id, "sub-0"), "sub-0", "all@example.com"),
            new AlertRecipient(AlertIds.For(change.Id, "sub-1"), "sub-1", "notable@example.com", NotableOnly: true)], TestChanges.Now)],
        1,
        new object());

    [Fact]
    public async Task HandleAsync_ChangeWithNoNotableLine_SkippedForNotableOnlyAndRecorded()
    {
        // Three firms near $18: the upgrade (one notch, with the street, near the mean) is not notable.
        _history.Add(
            TestChanges.CifrUpgrade() with { Id = "ubs", Firm = "UBS", Action = RatingAction.Reiterate, ToRating = "Buy", ToLevel = RatingLevel.Buy, FromTarget = null, ToTarget = 19m, PublishedAt = TestChanges.Now.AddDays(-3) },
            TestChanges.CifrUpgrade() with { Id = "citi", Firm = "Citi", Action = RatingAction.Reiterate, ToRating = "Buy", ToLevel = RatingLevel.Buy, FromTarget = null, ToTarget = 17m, PublishedAt = TestChanges.Now.AddDays(-4) });

        var summary = await Dispatcher().HandleAsync(Message(TestChanges.CifrUpgrade()), CancellationToken.None);

        Assert.Equal(["all@example.com"], _sender.Sent.Select(m => m.To));
        Assert.Equal(1, summary.Sent);
        Assert.Equal(1, summary.AlreadySent);
        Assert.Equal(0, summary.Refused);
        Assert.Empty(_queue.DeadLettered);
        Assert.StartsWith("Skipped: the subscriber asked for notable calls only", _sentLog.Refused[AlertIds.For("change-cifr-1", "sub-1")], StringComparison.Ordinal);

        // Redelivered: nothing more is sent to either.
        var again = await Dispatcher().HandleAsync(Message(TestChanges.CifrUpgrade(), "msg-2"), CancellationToken.None);
        Assert.Equal(2, again.AlreadySent);
        Assert.Single(_sender.Sent);
    }

    [Fact]
    public async Task HandleAsync_TwoNotchUpgrade_SentToBothWithItsLine()
    {
        var leap = TestChanges.CifrUpgrade() with { FromRating = "Sell", FromLevel = RatingLevel.Sell };

        await Dispatcher().HandleAsync(Message(leap), CancellationToken.None);

        Assert.Equal(["all@example.com", "notable@example.com"], _sender.Sent.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.All(_sender.Sent, m => Assert.Contains("A 2-notch upgrade on the common scale: Sell to Buy.", m.TextBody, StringComparison.Ordinal));
    }
}
