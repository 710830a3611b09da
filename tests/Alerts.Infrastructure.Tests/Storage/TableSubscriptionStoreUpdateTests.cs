using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Tests.Storage;

/// <summary>The rules added with the preference page, rows written before them, and replacing tickers and rules.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableSubscriptionStoreUpdateTests(AzuriteFixture azurite)
{
    private static readonly SubscriberRules EveryRule = new()
    {
        Actions = [RatingAction.Upgrade, RatingAction.Initiate],
        Firms = ["JPMorgan"],
        ExcludeFirms = ["Keefe, Bruyette & Woods", "Citi"],
        MinTargetChangePct = 7.5m,
        MinRating = RatingLevel.Buy,
        Direction = NewsDirection.Positive,
        Paused = true,
        NotableOnly = true,
    };

    private readonly TableServiceClient _tables = new(azurite.ConnectionString);
    private readonly TableSubscriptionStore _store = new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString)));

    private async Task<List<Subscriber>> SubscribersAsync(string ticker)
    {
        var list = new List<Subscriber>();
        await foreach (var subscriber in _store.GetSubscribersAsync(ticker, CancellationToken.None))
        {
            list.Add(subscriber);
        }

        return list;
    }

    private async Task<Subscription> ActiveAsync(IReadOnlyList<string> tickers, SubscriberRules? rules = null)
    {
        var subscription = TestData.Subscription(tickers: tickers, rules: rules);
        await _store.CreateAsync(subscription, CancellationToken.None);
        await _store.ActivateAsync(subscription, TestData.Now, CancellationToken.None);
        return subscription;
    }

    [Fact]
    public async Task EveryRule_RoundTripsOnTheSubscriptionAndItsIndexRows()
    {
        var subscription = await ActiveAsync([TestData.UniqueTicker()], EveryRule);

        Assert.Equal(EveryRule, (await _store.GetAsync(subscription.Id, CancellationToken.None))!.Rules);
        Assert.Equal(EveryRule, Assert.Single(await SubscribersAsync(subscription.Tickers[0])).Rules);
    }

    [Fact]
    public async Task DeliverySettings_RoundTripOnTheSubscriptionAndItsIndexRows_AndFollowAnUpdate()
    {
        var subscription = await ActiveAsync([TestData.UniqueTicker()]);
        Assert.Null(Assert.Single(await SubscribersAsync(subscription.Tickers[0])).Delivery); // plain instant: nothing to carry

        var delivery = new DeliverySettings
        {
            Mode = DeliveryMode.Digest,
            TimeZone = "America/New_York",
            DigestTime = new TimeOnly(6, 45),
            QuietHours = new QuietHours(new TimeOnly(21, 30), new TimeOnly(6, 0)),
            MaxPerHour = 12,
        };
        await _store.UpdateAsync(subscription.Id, subscription.Tickers, subscription.Rules, delivery, CancellationToken.None);

        Assert.Equal(delivery, (await _store.GetAsync(subscription.Id, CancellationToken.None))!.Delivery);
        Assert.Equal(delivery, Assert.Single(await SubscribersAsync(subscription.Tickers[0])).Delivery);
    }

    [Fact]
    public async Task RowsWrittenBeforeTheNewRules_ReadAsNoRule()
    {
        await _store.GetAsync(Core.Ids.NewRandom(), CancellationToken.None); // creates the tables
        var id = Core.Ids.NewRandom();
        var ticker = TestData.UniqueTicker();
        await _tables.GetTableClient("Subscriptions").AddEntityAsync(new TableEntity(id, string.Empty)
        {
            ["Email"] = "old@example.com",
            ["Tickers"] = ticker,
            ["Status"] = "Active",
            ["CreatedAt"] = TestData.Now,
            ["ConfirmedAt"] = TestData.Now,
            ["Actions"] = "upgrade",
            ["Firms"] = "[\"JPMorgan\"]",
            ["MinTargetChangePct"] = "10",
        });
        await _tables.GetTableClient("SubscriberIndex").AddEntityAsync(new TableEntity(ticker, id)
        {
            ["Email"] = "old@example.com",
            ["Actions"] = "upgrade",
            ["Firms"] = "[\"JPMorgan\"]",
            ["MinTargetChangePct"] = "10",
        });
        var expected = new SubscriberRules { Actions = [RatingAction.Upgrade], Firms = ["JPMorgan"], MinTargetChangePct = 10m };

        Assert.Equal(expected, (await _store.GetAsync(id, CancellationToken.None))!.Rules);
        Assert.Equal(expected, Assert.Single(await SubscribersAsync(ticker)).Rules);

        // ...and such a row can be updated and deleted like any other.
        var updated = await _store.UpdateAsync(id, [ticker], EveryRule, DeliverySettings.Instant, CancellationToken.None);
        Assert.Equal(EveryRule, updated!.Rules);
        Assert.Equal(EveryRule, Assert.Single(await SubscribersAsync(ticker)).Rules);
    }

    [Fact]
    public async Task UpdateAsync_Active_AddsRemovesAndRewritesIndexRows()
    {
        var (kept, removed, added) = (TestData.UniqueTicker(), TestData.UniqueTicker(), TestData.UniqueTicker());
        var subscription = await ActiveAsync([kept, removed]);

        var updated = await _store.UpdateAsync(subscription.Id, [kept, added], EveryRule, DeliverySettings.Instant, CancellationToken.None);

        Assert.NotNull(updated);
        Assert.Equal([kept, added], updated.Tickers);
        Assert.Equal(SubscriptionStatus.Active, updated.Status);
        Assert.Equal(subscription.Email, updated.Email);
        Assert.Equal(EveryRule, Assert.Single(await SubscribersAsync(kept)).Rules);
        Assert.Equal(EveryRule, Assert.Single(await SubscribersAsync(added)).Rules);
        Assert.Empty(await SubscribersAsync(removed));
        var read = await _store.GetAsync(subscription.Id, CancellationToken.None);
        Assert.Equal([kept, added], read!.Tickers);
        Assert.Equal(EveryRule, read.Rules);
        var row = await _tables.GetTableClient("Subscriptions").GetEntityAsync<TableEntity>(subscription.Id, string.Empty);
        Assert.True(string.IsNullOrEmpty(row.Value.GetString("StaleIndexTickers")));
    }

    [Fact]
    public async Task UpdateAsync_Pending_StoresWithoutIndexRows()
    {
        var subscription = TestData.Subscription();
        await _store.CreateAsync(subscription, CancellationToken.None);
        var ticker = TestData.UniqueTicker();

        var updated = await _store.UpdateAsync(subscription.Id, [ticker], EveryRule, DeliverySettings.Instant, CancellationToken.None);

        Assert.Equal(SubscriptionStatus.Pending, updated!.Status);
        Assert.Empty(await SubscribersAsync(ticker));

        await _store.ActivateAsync(subscription, TestData.Now, CancellationToken.None);
        Assert.Equal(EveryRule, Assert.Single(await SubscribersAsync(ticker)).Rules);
        Assert.Empty(await SubscribersAsync(subscription.Tickers[0]));
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_ReturnsNull() =>
        Assert.Null(await _store.UpdateAsync(Core.Ids.NewRandom(), ["AAPL"], SubscriberRules.Any, DeliverySettings.Instant, CancellationToken.None));

    [Fact]
    public async Task StaleIndexTickersLeftByAnInterruptedUpdate_AreRemovedByTheNextUpdateAndByDelete()
    {
        var (current, orphan, later) = (TestData.UniqueTicker(), TestData.UniqueTicker(), TestData.UniqueTicker());
        var subscription = await ActiveAsync([current]);

        // An update that stopped after writing its row, before deleting the old index row.
        var subscriptions = _tables.GetTableClient("Subscriptions");
        var row = (await subscriptions.GetEntityAsync<TableEntity>(subscription.Id, string.Empty)).Value;
        row["StaleIndexTickers"] = orphan;
        await subscriptions.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge);
        await _tables.GetTableClient("SubscriberIndex").UpsertEntityAsync(new TableEntity(orphan, subscription.Id) { ["Email"] = subscription.Email });

        await _store.UpdateAsync(subscription.Id, [current, later], SubscriberRules.Any, DeliverySettings.Instant, CancellationToken.None);
        Assert.Empty(await SubscribersAsync(orphan));

        await _tables.GetTableClient("SubscriberIndex").UpsertEntityAsync(new TableEntity(orphan, subscription.Id) { ["Email"] = subscription.Email });
        row = (await subscriptions.GetEntityAsync<TableEntity>(subscription.Id, string.Empty)).Value;
        row["StaleIndexTickers"] = orphan;
        await subscriptions.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge);

        await _store.DeleteAsync(subscription, CancellationToken.None);

        Assert.Empty(await SubscribersAsync(orphan));
        Assert.Empty(await SubscribersAsync(current));
        Assert.Empty(await SubscribersAsync(later));
        Assert.Null(await _store.GetAsync(subscription.Id, CancellationToken.None));
    }
}
