using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableSentAlertLogTests(AzuriteFixture azurite)
{
    private readonly TableSentAlertLog _log = new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), queues: null), Microsoft.Extensions.Options.Options.Create(new DeliveryOptions()));

    private static string NewAlertId() => AlertIds.For(Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

    private async Task<TableEntity> RowAsync(string alertId) =>
        (await new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.SentAlertsTable)
            .GetEntityAsync<TableEntity>(TableSentAlertLog.PartitionOf(alertId), alertId)).Value;

    [Fact]
    public async Task WhoWasSentAsync_SentHeldClaimedRefusedAndNever_NamesThoseSentHeldOrBeingSent()
    {
        // 40 subscribers: enough to fill several partitions of the log with more than one query's worth of rows each.
        var changeId = Guid.NewGuid().ToString("N");
        var subscribers = Enumerable.Range(0, 40).Select(i => $"sub-{i:00}-{Guid.NewGuid():N}").ToList();
        for (var i = 0; i < subscribers.Count; i++)
        {
            var alertId = AlertIds.For(changeId, subscribers[i]);
            switch (i % 5)
            {
                case 0: await _log.MarkSentAsync(alertId, subscribers[i], TestData.Now, CancellationToken.None); break;
                case 1: await _log.MarkHeldAsync(alertId, subscribers[i], TestData.Now, CancellationToken.None); break;
                case 2: await _log.TryClaimAsync(alertId, subscribers[i], TestData.Now, CancellationToken.None); break;
                case 3: await _log.MarkRefusedAsync(alertId, subscribers[i], "invalid address", TestData.Now, CancellationToken.None); break;
                default: break; // never matched
            }
        }

        // Another change's alerts to the same subscribers are not this change's.
        await _log.MarkSentAsync(AlertIds.For("other-change", subscribers[4]), subscribers[4], TestData.Now, CancellationToken.None);

        var sent = await _log.WhoWasSentAsync(changeId, subscribers, CancellationToken.None);

        Assert.Equal(subscribers.Where((_, i) => i % 5 is 0 or 1 or 2).Order(StringComparer.Ordinal), sent.Order(StringComparer.Ordinal));
        Assert.Empty(await _log.WhoWasSentAsync(changeId, [], CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_NewAlert_IsClaimed_ThenBusyForOthers()
    {
        var alertId = NewAlertId();

        Assert.Equal(SendClaim.Claimed, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None));
        Assert.Equal(SendClaim.Busy, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddSeconds(5), CancellationToken.None));
        Assert.Equal("Sending", (await RowAsync(alertId)).GetString("State"));
    }

    [Theory]
    [InlineData(1)] // one alert: a single insert
    [InlineData(5)] // five in one partition: one transaction, then each on its own
    public async Task TryClaimAsync_AnswerLostAndTriedAgain_FindsItsOwnClaims_AndClaimsThem(int alerts)
    {
        // Every first try of a write reaches Azurite and is written, but its answer is lost: the client tries again and
        // meets the rows it wrote. Those are this call's own claims, not another dispatcher's.
        var losing = new LoseFirstAnswers();
        var options = new TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(losing, Azure.Core.HttpPipelinePosition.PerRetry);
        var log = new TableSentAlertLog(
            new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString, options), queues: null),
            Microsoft.Extensions.Options.Options.Create(new DeliveryOptions()));
        var ids = Enumerable.Range(0, 400).Select(_ => NewAlertId())
            .GroupBy(TableSentAlertLog.PartitionOf).First(partition => partition.Count() >= alerts).Take(alerts).ToList();
        await log.TryClaimAsync(NewAlertId(), "sub-0", TestData.Now, CancellationToken.None); // the table exists: only claims lose answers
        losing.Armed = true;

        var claims = await log.TryClaimAsync(ids.Select(id => new SentAlert(id, "sub-1")).ToList(), TestData.Now, CancellationToken.None);

        Assert.True(losing.Lost > 0);
        Assert.All(claims, claim => Assert.Equal(SendClaim.Claimed, claim));
        Assert.Equal(SendClaim.Busy, await _log.TryClaimAsync(ids[0], "sub-2", TestData.Now.AddSeconds(5), CancellationToken.None));
    }

    /// <summary>Once armed, lets each request's first try reach the service and then loses its answer (an I/O error).</summary>
    private sealed class LoseFirstAnswers : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Azure.Core.HttpMessage, bool> _tried = new();
        private int _lost;

        public bool Armed { get; set; }

        public int Lost => Volatile.Read(ref _lost);

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The tables client is used asynchronously here.");

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (Armed && message.Request.Method != Azure.Core.RequestMethod.Get && _tried.TryAdd(message, true))
            {
                Interlocked.Increment(ref _lost);
                throw new IOException("The answer was lost on its way back.");
            }
        }
    }

    [Fact]
    public async Task TryClaimAsync_AfterMarkSent_IsAlreadySent()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        await _log.MarkSentAsync(alertId, "sub-1", TestData.Now.AddSeconds(1), CancellationToken.None);

        Assert.Equal(SendClaim.AlreadySent, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddHours(1), CancellationToken.None));
        var row = await RowAsync(alertId);
        Assert.Equal("Sent", row.GetString("State"));
        Assert.Equal(TestData.Now.AddSeconds(1), row.GetDateTimeOffset("SentAt"));
    }

    [Fact]
    public async Task TryClaimAsync_AfterMarkRefused_IsAlreadySentAndKeepsTheReason()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        await _log.MarkRefusedAsync(alertId, "sub-1", "550 no such user", TestData.Now, CancellationToken.None);

        Assert.Equal(SendClaim.AlreadySent, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddHours(1), CancellationToken.None));
        Assert.Equal("550 no such user", (await RowAsync(alertId)).GetString("Reason"));
    }

    [Fact]
    public async Task TryClaimAsync_AfterRelease_IsClaimedAgain()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        await _log.ReleaseAsync(alertId, CancellationToken.None);

        Assert.Equal(SendClaim.Claimed, await _log.TryClaimAsync(alertId, "sub-1", TestData.Now.AddSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_StaleClaim_IsTakenOver()
    {
        var alertId = NewAlertId();
        await _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        var later = TestData.Now + TimeSpan.FromSeconds(new DeliveryOptions().ClaimTimeoutSeconds + 1);

        Assert.Equal(SendClaim.Claimed, await _log.TryClaimAsync(alertId, "sub-1", later, CancellationToken.None));
        Assert.Equal(later, (await RowAsync(alertId)).GetDateTimeOffset("ClaimedAt"));
    }

    [Fact]
    public async Task TryClaimAsync_ManyDispatchersAtOnce_ExactlyOneClaims()
    {
        for (var round = 0; round < 3; round++)
        {
            var alertId = NewAlertId();

            var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _log.TryClaimAsync(alertId, "sub-1", TestData.Now, CancellationToken.None)));

            Assert.Equal(1, claims.Count(c => c == SendClaim.Claimed));
            Assert.Equal(9, claims.Count(c => c == SendClaim.Busy));
        }
    }

    [Fact]
    public async Task ReleaseAsync_NothingClaimed_IsHarmless()
    {
        await _log.ReleaseAsync(NewAlertId(), CancellationToken.None);
    }

    private TableClient Table => new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.SentAlertsTable);

    private static List<SentAlert> NewAlerts(int count) =>
        Enumerable.Range(0, count).Select(i => new SentAlert(NewAlertId(), $"sub-{i}")).ToList();

    [Fact]
    public void PartitionOf_IsStableAndSpreadsOverSixteenPartitions()
    {
        var partitions = Enumerable.Range(0, 2_000).Select(_ => TableSentAlertLog.PartitionOf(NewAlertId())).ToList();

        Assert.Equal(TableSentAlertLog.PartitionOf("alert-1"), TableSentAlertLog.PartitionOf("alert-1"));
        Assert.Equal(TableSentAlertLog.Partitions, partitions.Distinct().Count());
        Assert.All(partitions, p => Assert.Matches("^p[0-9a-f]$", p));
        Assert.All(partitions.GroupBy(p => p), g => Assert.InRange(g.Count(), 60, 200));
    }

    [Fact]
    public async Task TryClaimAsync_Many_ClaimsEach_ThenMarkSentMarksEach()
    {
        var alerts = NewAlerts(250);

        var claims = await _log.TryClaimAsync(alerts, TestData.Now, CancellationToken.None);
        await _log.MarkSentAsync(alerts, TestData.Now.AddSeconds(1), CancellationToken.None);

        Assert.All(claims, c => Assert.Equal(SendClaim.Claimed, c));
        foreach (var alert in alerts.Take(20))
        {
            var row = await RowAsync(alert.AlertId);
            Assert.Equal(("Sent", alert.SubscriptionId), (row.GetString("State"), row.GetString("SubscriptionId")));
        }

        Assert.All(await _log.TryClaimAsync(alerts, TestData.Now.AddHours(1), CancellationToken.None), c => Assert.Equal(SendClaim.AlreadySent, c));
    }

    [Fact]
    public async Task TryClaimAsync_Many_SomeClaimedBefore_EachGetsItsOwnAnswer()
    {
        var alerts = NewAlerts(40);
        await _log.TryClaimAsync(alerts[3].AlertId, alerts[3].SubscriptionId, TestData.Now, CancellationToken.None);
        await _log.TryClaimAsync(alerts[7].AlertId, alerts[7].SubscriptionId, TestData.Now, CancellationToken.None);
        await _log.MarkSentAsync(alerts[7].AlertId, alerts[7].SubscriptionId, TestData.Now, CancellationToken.None);

        var claims = await _log.TryClaimAsync(alerts, TestData.Now.AddSeconds(5), CancellationToken.None);

        Assert.Equal(SendClaim.Busy, claims[3]);
        Assert.Equal(SendClaim.AlreadySent, claims[7]);
        Assert.Equal(38, claims.Count(c => c == SendClaim.Claimed));
    }

    [Fact]
    public async Task TryClaimAsync_Many_TheSameAlertTwice_IsClaimedOnce()
    {
        var alert = new SentAlert(NewAlertId(), "sub-1");

        var claims = await _log.TryClaimAsync([alert, alert], TestData.Now, CancellationToken.None);

        Assert.Equal([SendClaim.Claimed, SendClaim.AlreadySent], claims);
    }

    [Fact]
    public async Task TryClaimAsync_ManyDispatchersClaimingOneBatch_EachAlertIsClaimedOnce()
    {
        var alerts = NewAlerts(60);

        var rounds = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _log.TryClaimAsync(alerts, TestData.Now, CancellationToken.None)));

        for (var i = 0; i < alerts.Count; i++)
        {
            Assert.Equal(1, rounds.Count(r => r[i] == SendClaim.Claimed));
        }
    }

    [Fact]
    public async Task RowOfTheEarlierLayout_SentBefore_IsHonouredForARedeliveredMessage_AndForSingleClaims()
    {
        var redelivered = new SentAlert(NewAlertId(), "sub-1", Redelivered: true);
        var single = NewAlertId();
        await Table.CreateIfNotExistsAsync();
        foreach (var id in new[] { redelivered.AlertId, single })
        {
            await Table.UpsertEntityAsync(new TableEntity(id, StorageNames.SingletonRowKey) { ["State"] = "Sent", ["SubscriptionId"] = "sub-1", ["SentAt"] = TestData.Now });
        }

        var claims = await _log.TryClaimAsync([redelivered, new SentAlert(NewAlertId(), "sub-2", Redelivered: true)], TestData.Now.AddMinutes(1), CancellationToken.None);

        Assert.Equal([SendClaim.AlreadySent, SendClaim.Claimed], claims);
        Assert.Equal("Sent", (await RowAsync(redelivered.AlertId)).GetString("State"));
        Assert.Equal(SendClaim.AlreadySent, await _log.TryClaimAsync(single, "sub-1", TestData.Now.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task RowOfTheEarlierLayout_BeingSent_MakesARedeliveredClaimWait_AndReleasesIt()
    {
        var alert = new SentAlert(NewAlertId(), "sub-1", Redelivered: true);
        await Table.CreateIfNotExistsAsync();
        await Table.UpsertEntityAsync(new TableEntity(alert.AlertId, StorageNames.SingletonRowKey) { ["State"] = "Sending", ["SubscriptionId"] = "sub-1", ["ClaimedAt"] = TestData.Now });

        var busy = await _log.TryClaimAsync([alert], TestData.Now.AddSeconds(5), CancellationToken.None);
        var later = await _log.TryClaimAsync([alert], TestData.Now + TimeSpan.FromSeconds(new DeliveryOptions().ClaimTimeoutSeconds + 1), CancellationToken.None);

        Assert.Equal([SendClaim.Busy], busy);
        Assert.Equal([SendClaim.Claimed], later);
    }
}
