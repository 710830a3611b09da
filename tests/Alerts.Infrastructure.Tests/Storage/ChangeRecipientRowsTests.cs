using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Tests.Storage;

/// <summary>
/// The sent log's rows of one change's recipients (alerts claimed with their change id), on Azurite: claims, marks,
/// releases and refusals per recipient, two dispatchers at once, the rows of one alert each honoured after an upgrade, and
/// <see cref="ISentAlertLog.WhoWasSentAsync"/>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChangeRecipientRowsTests(AzuriteFixture azurite)
{
    private TableSentAlertLog NewLog() =>
        new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), queues: null), Options.Create(new DeliveryOptions()));

    private static string NewChangeId() => Ids.NewRandom();

    private static List<SentAlert> Alerts(string changeId, IEnumerable<string> subscriptionIds, bool redelivered = false) =>
        subscriptionIds.Select(s => new SentAlert(AlertIds.For(changeId, s), s, redelivered) { ChangeId = changeId }).ToList();

    private static List<string> Subscribers(int count) => Enumerable.Range(0, count).Select(_ => Ids.NewRandom()).ToList();

    [Fact]
    public async Task TryClaimAsync_ChangeAlerts_ClaimedOnce_BusyForAnother_AlreadySentOnceMarked()
    {
        var change = NewChangeId();
        var alerts = Alerts(change, Subscribers(600));
        var log = NewLog();

        var first = await log.TryClaimAsync(alerts, TestData.Now, CancellationToken.None);
        var other = await NewLog().TryClaimAsync(alerts, TestData.Now.AddSeconds(5), CancellationToken.None);
        await log.MarkSentAsync(alerts, TestData.Now.AddSeconds(6), CancellationToken.None);
        var after = await NewLog().TryClaimAsync(alerts, TestData.Now.AddSeconds(7), CancellationToken.None);

        Assert.All(first, claim => Assert.Equal(SendClaim.Claimed, claim));
        Assert.All(other, claim => Assert.Equal(SendClaim.Busy, claim));
        Assert.All(after, claim => Assert.Equal(SendClaim.AlreadySent, claim));
    }

    [Fact]
    public async Task TryClaimAsync_TwoDispatchersOnOverlappingBatches_EachAlertClaimedOnce()
    {
        var change = NewChangeId();
        var subscribers = Subscribers(1_000);
        var batches = new[] { subscribers[..700], subscribers[300..], subscribers[100..900] };

        var claims = await Task.WhenAll(batches.Select(batch => NewLog().TryClaimAsync(Alerts(change, batch), TestData.Now, CancellationToken.None)));

        var claimedBy = batches.SelectMany((batch, b) => batch.Where((_, i) => claims[b][i] == SendClaim.Claimed)).ToList();
        Assert.Equal(subscribers.Count, claimedBy.Count);
        Assert.Equal(subscribers.Order(StringComparer.Ordinal), claimedBy.Order(StringComparer.Ordinal));
        Assert.All(claims.SelectMany(c => c), claim => Assert.NotEqual(SendClaim.AlreadySent, claim));
    }

    [Fact]
    public async Task TryClaimAsync_ReleasedOrStale_IsClaimedAgain_RefusedStaysDone()
    {
        var change = NewChangeId();
        var subscribers = Subscribers(3);
        var log = NewLog();
        await log.TryClaimAsync(Alerts(change, subscribers), TestData.Now, CancellationToken.None);

        await log.ReleaseAsync(Alerts(change, subscribers[..1]), CancellationToken.None);
        await log.MarkRefusedAsync(Alerts(change, subscribers[1..2]), "invalid address", TestData.Now, CancellationToken.None);
        var soon = await NewLog().TryClaimAsync(Alerts(change, subscribers), TestData.Now.AddSeconds(10), CancellationToken.None);
        var stale = await NewLog().TryClaimAsync(Alerts(change, subscribers[2..]), TestData.Now.AddSeconds(10 + new DeliveryOptions().ClaimTimeoutSeconds), CancellationToken.None);

        Assert.Equal([SendClaim.Claimed, SendClaim.AlreadySent, SendClaim.Busy], soon);
        Assert.Equal([SendClaim.Claimed], stale);
    }

    [Fact]
    public async Task TryClaimAsync_RedeliveredAfterUpgrade_HonoursRowsOfOneAlertEach()
    {
        // Before the upgrade a dispatcher recorded these alerts a row each (no change id); their message is redelivered
        // after it and claimed in the change's rows.
        var change = NewChangeId();
        var subscribers = Subscribers(3);
        var log = NewLog();
        var before = subscribers.Select(s => new SentAlert(AlertIds.For(change, s), s)).ToList();
        await log.TryClaimAsync(before, TestData.Now, CancellationToken.None);
        await log.MarkSentAsync(before[..1], TestData.Now, CancellationToken.None);
        await log.MarkRefusedAsync(before[1].AlertId, before[1].SubscriptionId, "invalid address", TestData.Now, CancellationToken.None);

        var claims = await NewLog().TryClaimAsync(Alerts(change, subscribers, redelivered: true), TestData.Now.AddSeconds(10), CancellationToken.None);
        var again = await NewLog().TryClaimAsync(Alerts(change, subscribers[..2]), TestData.Now.AddSeconds(20), CancellationToken.None);

        Assert.Equal([SendClaim.AlreadySent, SendClaim.AlreadySent, SendClaim.Busy], claims);
        Assert.Equal([SendClaim.AlreadySent, SendClaim.AlreadySent], again); // recorded in the change's rows too
    }

    [Fact]
    public async Task TryClaimAsync_ManySmallChangesReceivedTogether_ShareATransactionPerPartition()
    {
        // 45 changes followed by 2 people each, as one packed message carries them: as with a row per alert, a claim is
        // an insert, the claims of all of them share the 16 partitions' transactions, and nothing is read first.
        var counting = new CountingPolicy();
        var options = new TableClientOptions();
        options.AddPolicy(counting, Azure.Core.HttpPipelinePosition.PerRetry);
        var storage = new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString, options), queues: null);
        var log = new TableSentAlertLog(storage, Options.Create(new DeliveryOptions()));
        var alerts = Enumerable.Range(0, 45).SelectMany(_ => Alerts(NewChangeId(), Subscribers(2))).ToList();
        await storage.EnsureCreatedAsync(CancellationToken.None);
        var creating = counting.Count;

        var claims = await log.TryClaimAsync(alerts, TestData.Now, CancellationToken.None);
        var claiming = counting.Count - creating;
        await log.MarkSentAsync(alerts, TestData.Now, CancellationToken.None);

        Assert.All(claims, claim => Assert.Equal(SendClaim.Claimed, claim));
        Assert.InRange(claiming, 1, ChangeRecipientRows.Partitions);
        Assert.InRange(counting.Count - creating - claiming, 1, ChangeRecipientRows.Partitions);
    }

    /// <summary>Counts the requests that go through it.</summary>
    private sealed class CountingPolicy : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref _count);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref _count);
            return ProcessNextAsync(message, pipeline);
        }
    }

    [Fact]
    public async Task WhoWasSentAsync_ChangeRowsAndRowsOfOneAlert_NamesThoseSentOrBeingSent()
    {
        var change = NewChangeId();
        var (sent, refused, sending, released, held, never) = (Ids.NewRandom(), Ids.NewRandom(), Ids.NewRandom(), Ids.NewRandom(), Ids.NewRandom(), Ids.NewRandom());
        var log = NewLog();
        await log.TryClaimAsync(Alerts(change, [sent, refused, sending, released]), TestData.Now, CancellationToken.None);
        await log.MarkSentAsync(Alerts(change, [sent]), TestData.Now, CancellationToken.None);
        await log.MarkRefusedAsync(Alerts(change, [refused]), "suppressed", TestData.Now, CancellationToken.None);
        await log.ReleaseAsync(Alerts(change, [released]), CancellationToken.None);
        await log.TryClaimAsync(AlertIds.For(change, held), held, TestData.Now, CancellationToken.None); // held for a digest: a row of its own
        await log.MarkHeldAsync(AlertIds.For(change, held), held, TestData.Now, CancellationToken.None);
        await log.TryClaimAsync(Alerts(NewChangeId(), [never]), TestData.Now, CancellationToken.None); // another change

        var who = await NewLog().WhoWasSentAsync(change, [sent, refused, sending, released, held, never], CancellationToken.None);

        Assert.Equal(new[] { sent, sending, held }.Order(StringComparer.Ordinal), who.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WhoWasSentAsync_ManyAskedAbout_ReadsTheChangesRowsAtOnce()
    {
        var change = NewChangeId();
        var subscribers = Subscribers(2_000);
        var log = NewLog();
        await log.TryClaimAsync(Alerts(change, subscribers[..1_500]), TestData.Now, CancellationToken.None);
        await log.MarkSentAsync(Alerts(change, subscribers[..1_000]), TestData.Now, CancellationToken.None);

        var who = await NewLog().WhoWasSentAsync(change, subscribers[..1_200], CancellationToken.None);

        Assert.Equal(subscribers[..1_200].Order(StringComparer.Ordinal), who.Order(StringComparer.Ordinal));
    }
}
