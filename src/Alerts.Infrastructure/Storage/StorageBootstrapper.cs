using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// Creates the tables and queues the first time storage is used. A failure (storage down) is not remembered:
/// the next call tries again, so the app recovers by itself when storage returns.
/// </summary>
internal sealed class StorageBootstrapper(TableServiceClient tables, QueueServiceClient? queues)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public async ValueTask EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }

            await Task.WhenAll(StorageNames.AllTables.Select(name => tables.CreateTableIfNotExistsAsync(name, cancellationToken)));
            if (queues is not null)
            {
                await queues.GetQueueClient(StorageNames.AlertsQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await queues.GetQueueClient(StorageNames.AlertsPoisonQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }

            _ready = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public TableClient Table(string name) => tables.GetTableClient(name);
}
