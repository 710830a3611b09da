using Alerts.Core.Delivery;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Tests.Queues;

/// <summary>
/// The dispatcher's wake-ups on the <c>dispatch</c> queue: at once after a fan-out, hidden until a retried alert message
/// is visible again. The queue name is fixed, so each test clears it first; the class is in the Azurite collection, whose
/// tests run one at a time.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DispatchWakeUpTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly QueueServiceClient _queues = new(azurite.ConnectionString);
    private QueueClient _dispatch = null!;

    public async Task InitializeAsync()
    {
        _dispatch = _queues.GetQueueClient(IDispatchWakeUp.QueueName);
        await _dispatch.CreateIfNotExistsAsync();
        await _dispatch.ClearMessagesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<int> MessagesAsync() => (await _dispatch.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task WakeAsync_NoDelay_IsVisibleAtOnce()
    {
        IDispatchWakeUp wakeUp = new StorageDispatchWakeUp(_queues);

        await wakeUp.WakeAsync(CancellationToken.None);

        Assert.Single((await _dispatch.ReceiveMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task WakeAsync_AfterARetryDelay_IsQueuedHiddenUntilThen()
    {
        IDispatchWakeUp wakeUp = new StorageDispatchWakeUp(_queues);

        await wakeUp.WakeAsync(TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Equal(1, await MessagesAsync());
        Assert.Empty((await _dispatch.ReceiveMessagesAsync(32)).Value); // hidden: the retried message is not back yet
    }
}
