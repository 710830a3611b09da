using Alerts.Core.Channels;
using Alerts.Infrastructure.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Channels;

/// <summary>
/// <see cref="ChannelState"/> rows in <c>ChannelStates</c> (PartitionKey = subscription id, RowKey = channel id): only
/// channels that have had an alert dead-lettered have one, so a healthy delivery reads one missing row and writes nothing.
/// </summary>
internal sealed class TableChannelStateStore(StorageBootstrapper storage) : IChannelStateStore
{
    private const int MaxWriteAttempts = 5;

    public async Task<IReadOnlyList<ChannelState>> GetAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var states = new List<ChannelState>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {subscriptionId}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            states.Add(FromRow(row));
        }

        return states;
    }

    public async Task<ChannelState?> GetAsync(string subscriptionId, string channelId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(subscriptionId, channelId, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    public async Task<ChannelState> RecordDeadLetterAsync(string subscriptionId, string channelId, int pauseAfter, string note, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(subscriptionId, channelId, cancellationToken: cancellationToken);
            var current = existing.HasValue ? FromRow(existing.Value!) : new ChannelState(channelId, 0);
            var count = current.DeadLettersInARow + 1;
            var next = current.IsPaused
                ? current with { DeadLettersInARow = count }
                : count >= pauseAfter ? new ChannelState(channelId, count, at, note) : new ChannelState(channelId, count);
            try
            {
                if (existing.HasValue)
                {
                    await Table.UpdateEntityAsync(ToRow(subscriptionId, next), existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Table.AddEntityAsync(ToRow(subscriptionId, next), cancellationToken);
                }

                return next;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another dead letter of the same channel counted first: read again.
            }
        }

        throw new InvalidOperationException($"The state of channel {channelId} kept changing; the dead letter was not counted.");
    }

    public async Task RecordDeliveredAsync(string subscriptionId, string channelId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var existing = await Table.GetEntityIfExistsAsync<TableEntity>(subscriptionId, channelId, cancellationToken: cancellationToken);
        if (existing.HasValue && !FromRow(existing.Value!).IsPaused)
        {
            await Table.DeleteEntityAsync(subscriptionId, channelId, existing.Value!.ETag, cancellationToken);
        }
    }

    public async Task ClearAsync(string subscriptionId, string channelId, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await Table.DeleteEntityAsync(subscriptionId, channelId, ETag.All, cancellationToken);
    }

    private TableClient Table => storage.Table(StorageNames.ChannelStatesTable);

    private static TableEntity ToRow(string subscriptionId, ChannelState state) => new(subscriptionId, state.ChannelId)
    {
        ["DeadLettersInARow"] = state.DeadLettersInARow,
        ["PausedAt"] = state.PausedAt,
        ["PausedNote"] = state.PausedNote,
    };

    private static ChannelState FromRow(TableEntity row) =>
        new(row.RowKey, row.GetInt32("DeadLettersInARow") ?? 0, row.GetDateTimeOffset("PausedAt"), row.GetString("PausedNote"));
}
