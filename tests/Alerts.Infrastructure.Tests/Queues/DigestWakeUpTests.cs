using System.Globalization;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Infrastructure.Tests.Queues;

/// <summary>
/// Holding an alert in the Functions app wakes the digest job at its due minute: a message on the <c>digests</c> queue,
/// hidden until then (Azurite hides it on its own clock, so these tests use today's time). The queue name is fixed, so
/// each test clears it first; the class is in the Azurite collection, whose tests run one at a time.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DigestWakeUpTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly QueueServiceClient _queues = new(azurite.ConnectionString);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private StorageBootstrapper _storage = null!;
    private QueueClient _digests = null!;

    public async Task InitializeAsync()
    {
        _storage = new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), _queues);
        _digests = _queues.GetQueueClient(IDigestWakeUp.QueueName);
        await _digests.CreateIfNotExistsAsync();
        await _digests.ClearMessagesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private WakingHeldAlertStore Store() => new(new TableHeldAlertStore(_storage), new StorageDigestWakeUp(_queues, _time));

    private static HeldAlert Alert(DateTimeOffset due)
    {
        var subscription = TestData.Subscription();
        var change = TestData.Change(subscription.Tickers[0]);
        return new HeldAlert(AlertIds.For(change.Id, subscription.Id), subscription.Id, change, due, DateTimeOffset.UtcNow);
    }

    private async Task<int> MessagesAsync() => (await _digests.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task HoldAsync_TwoAlertsDueTheSameMinuteLater_HoldsBothWithOneWakeUpHiddenUntilThen()
    {
        var store = Store();
        var due = _time.GetUtcNow().AddHours(2);
        var first = Alert(due);
        var second = Alert(due.AddSeconds(20 - due.Second)); // the same minute

        await store.HoldAsync(first, CancellationToken.None);
        await store.HoldAsync(second, CancellationToken.None);

        Assert.Equal(1, await MessagesAsync());
        Assert.Empty((await _digests.ReceiveMessagesAsync(32)).Value); // hidden: nothing to do before the minute
        var dueRows = await store.GetDueAsync(due.AddMinutes(1), 1000, CancellationToken.None);
        Assert.Contains(dueRows, d => d.SubscriptionId == first.SubscriptionId);
        Assert.Contains(dueRows, d => d.SubscriptionId == second.SubscriptionId);
    }

    [Fact]
    public async Task HoldAsync_AnAlertAlreadyDue_WakesTheJobAtOnce_NamingTheMinute()
    {
        var due = _time.GetUtcNow().AddMinutes(-3);
        var minute = new DateTimeOffset(due.UtcTicks - (due.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

        await Store().HoldAsync(Alert(due), CancellationToken.None);

        var message = Assert.Single((await _digests.ReceiveMessagesAsync(32)).Value);
        Assert.Equal(minute, DateTimeOffset.Parse(message.Body.ToString(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HoldAsync_DueLaterThanAQueueCanHide_IsWokenWithinTheLimitInstead()
    {
        await Store().HoldAsync(Alert(_time.GetUtcNow().AddDays(30)), CancellationToken.None);

        Assert.Equal(1, await MessagesAsync()); // accepted: a Storage queue refuses a message hidden beyond 7 days
        Assert.Empty((await _digests.ReceiveMessagesAsync(32)).Value);
    }
}
