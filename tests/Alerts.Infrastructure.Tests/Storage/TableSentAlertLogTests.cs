using Alerts.Core.Matching;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableSentAlertLogTests(AzuriteFixture azurite)
{
    private readonly TableSentAlertLog _log = new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), queues: null));

    private static string NewAlertId() => AlertIds.For(Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task WasSentAsync_NeverRecorded_ReturnsFalse()
    {
        Assert.False(await _log.WasSentAsync(NewAlertId(), CancellationToken.None));
    }

    [Fact]
    public async Task RecordSentAsync_ThenWasSentAsync_ReturnsTrueForThatAlertOnly()
    {
        var alertId = NewAlertId();
        var otherId = NewAlertId();
        Assert.False(await _log.WasSentAsync(alertId, CancellationToken.None));

        await _log.RecordSentAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);

        Assert.True(await _log.WasSentAsync(alertId, CancellationToken.None));
        Assert.False(await _log.WasSentAsync(otherId, CancellationToken.None));
    }

    [Fact]
    public async Task RecordSentAsync_Twice_IsHarmlessAndKeepsTheFirstRecord()
    {
        var alertId = NewAlertId();

        await _log.RecordSentAsync(alertId, "sub-1", TestData.Now, CancellationToken.None);
        await _log.RecordSentAsync(alertId, "sub-1", TestData.Now.AddMinutes(5), CancellationToken.None);

        Assert.True(await _log.WasSentAsync(alertId, CancellationToken.None));
        var row = await new TableServiceClient(azurite.ConnectionString)
            .GetTableClient(StorageNames.SentAlertsTable)
            .GetEntityAsync<TableEntity>(alertId, StorageNames.SingletonRowKey);
        Assert.Equal(TestData.Now, row.Value.GetDateTimeOffset("SentAt"));
        Assert.Equal("sub-1", row.Value.GetString("SubscriptionId"));
    }

    [Fact]
    public async Task RecordSentAsync_ConcurrentlyForOneAlert_DoesNotThrow()
    {
        var alertId = NewAlertId();

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => _log.RecordSentAsync(alertId, "sub-1", TestData.Now.AddSeconds(i), CancellationToken.None)));

        Assert.True(await _log.WasSentAsync(alertId, CancellationToken.None));
    }
}
