using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Infrastructure.Storage;
using Alerts.Testing;
using Azure.Data.Tables;

namespace Alerts.Feeds.Tests.Polling;

[Collection(AzuriteCollection.Name)]
public sealed class TableFeedCursorStoreTests(AzuriteFixture azurite)
{
    private readonly string _source = "cursor-test-" + Guid.NewGuid().ToString("N")[..8];

    private TableFeedCursorStore NewStore() => new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), queues: null));

    [Fact]
    public async Task GetAsync_NeverSaved_IsNull() =>
        Assert.Null(await NewStore().GetAsync(_source, CancellationToken.None));

    [Fact]
    public async Task SaveAsync_ThenGetFromAnotherInstance_ReturnsTheLastSaved()
    {
        var polledAt = new DateTimeOffset(2025, 12, 2, 16, 0, 0, TimeSpan.Zero);
        await NewStore().SaveAsync(_source, "1764681190", polledAt, CancellationToken.None);
        await NewStore().SaveAsync(_source, "1764686400", polledAt.AddMinutes(1), CancellationToken.None);

        Assert.Equal("1764686400", await NewStore().GetAsync(_source, CancellationToken.None));
        var row = (await new TableServiceClient(azurite.ConnectionString).GetTableClient(StorageNames.FeedCursorsTable)
            .GetEntityAsync<TableEntity>(_source, string.Empty)).Value;
        Assert.Equal(polledAt.AddMinutes(1), row.GetDateTimeOffset("PolledAt"));
    }

    [Fact]
    public async Task SaveAsync_NullCursor_RecordsThePollAndReadsAsNull()
    {
        var store = NewStore();
        await store.SaveAsync(_source, null, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Null(await store.GetAsync(_source, CancellationToken.None));
    }
}
