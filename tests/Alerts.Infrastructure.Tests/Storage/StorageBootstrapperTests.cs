using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class StorageBootstrapperTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EnsureCreatedAsync_CalledConcurrently_CreatesEveryTableAndQueue()
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var bootstrapper = new StorageBootstrapper(tables, queues);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => bootstrapper.EnsureCreatedAsync(CancellationToken.None).AsTask()));
        await bootstrapper.EnsureCreatedAsync(CancellationToken.None);

        var tableNames = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            tableNames.Add(table.Name);
        }

        Assert.All(StorageNames.AllTables, name => Assert.Contains(name, tableNames));
        Assert.True((await queues.GetQueueClient(StorageNames.AlertsQueue).ExistsAsync()).Value);
        Assert.True((await queues.GetQueueClient(StorageNames.AlertsPoisonQueue).ExistsAsync()).Value);
    }
}
