using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Tests.Queues;

/// <summary>
/// The local runner's listener on the <c>changes</c> queue, over Azurite, with the real fan-out handler: a message is
/// handled and deleted; one that keeps failing goes to <c>changes-poison</c> after its fifth attempt, as the Functions
/// host does. The queue names are fixed, so both queues are cleared first (the Azurite collection runs one test at a time).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FanOutQueueListenerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly QueueServiceClient _queues = new(azurite.ConnectionString);
    private StorageBootstrapper _storage = null!;
    private StorageFanOutQueue _queue = null!;
    private QueueClient _changes = null!;
    private QueueClient _poison = null!;

    public async Task InitializeAsync()
    {
        _storage = new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), _queues);
        _queue = new StorageFanOutQueue(_queues);
        _changes = _queues.GetQueueClient(StorageNames.ChangesQueue);
        _poison = _queues.GetQueueClient(StorageNames.ChangesPoisonQueue);
        await _changes.CreateIfNotExistsAsync();
        await _poison.CreateIfNotExistsAsync();
        await _changes.ClearMessagesAsync();
        await _poison.ClearMessagesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private FanOutQueueListener Listener(IRatingChangeStore store)
    {
        var delivery = Options.Create(new DeliveryOptions());
        var alerts = new StorageQueueAlertQueue(_queues, _storage, delivery);
        var fanOut = new AlertFanOut(new TableSubscriptionStore(_storage), alerts, new DispatchSignal(), delivery, TimeProvider.System);
        var handler = new FanOutHandler(
            store,
            new PendingChangeDispatcher(store, fanOut, NullLogger<PendingChangeDispatcher>.Instance),
            new CorrectionDispatcher(store, new TableSubscriptionStore(_storage), new TableSentAlertLog(_storage, delivery), fanOut, NullLogger<CorrectionDispatcher>.Instance),
            new DispatchSignal(),
            Options.Create(new AlertsOptions()),
            TimeProvider.System,
            NullLogger<FanOutHandler>.Instance);
        return new FanOutQueueListener(_queue, handler, NullLogger<FanOutQueueListener>.Instance);
    }

    private static async Task<int> CountAllAsync(QueueClient queue) =>
        (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task Listener_AMessageNamingAPendingChange_FansItOut_AndDeletesTheMessage()
    {
        var store = new TableRatingChangeStore(_storage);
        var change = TestData.Change(TestData.UniqueTicker(), publishedAt: DateTimeOffset.UtcNow, receivedAt: DateTimeOffset.UtcNow);
        await store.AddAsync([change], CancellationToken.None);
        using var listener = Listener(store);

        await listener.StartAsync(CancellationToken.None);
        await _queue.EnqueueAsync(ChangesStored.For([change]), CancellationToken.None);
        await Eventually.UntilAsync(async () => (await store.GetAsync(change.Ticker, change.Id, CancellationToken.None))?.State == DispatchState.Dispatched, Timeout, "the change is dispatched");
        await Eventually.UntilAsync(async () => await CountAllAsync(_changes) == 0, Timeout, "the message is deleted");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(0, await CountAllAsync(_poison));
    }

    [Fact]
    public async Task Listener_AMessageThatFailsItsFifthAttempt_GoesToThePoisonQueue()
    {
        await _changes.SendMessageAsync("not a ChangesStored message");
        // Four attempts already made (each receive counts one, the message back a second later); the listener's is the fifth.
        for (var attempt = 1; attempt < FanOutQueueListener.MaxDequeueCount; attempt++)
        {
            await Eventually.UntilAsync(async () => (await _changes.ReceiveMessageAsync(TimeSpan.FromSeconds(1))).Value is not null, Timeout, $"attempt {attempt} is received");
        }

        using var listener = Listener(new TableRatingChangeStore(_storage));
        await listener.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(async () => await CountAllAsync(_poison) == 1, Timeout, "the message is in changes-poison");

        // The copy goes to the poison queue first, then the message is deleted: await the delete too.
        await Eventually.UntilAsync(async () => await CountAllAsync(_changes) == 0, Timeout, "the message is gone from changes");
        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(1, await CountAllAsync(_poison));
        Assert.Equal("not a ChangesStored message", (await _poison.PeekMessageAsync()).Value.Body.ToString());
    }
}
