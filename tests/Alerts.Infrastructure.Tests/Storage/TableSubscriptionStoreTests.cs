using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Infrastructure.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class TableSubscriptionStoreTests(AzuriteFixture azurite)
{
    private const int MaxPerHour = 3;

    private readonly TableSubscriptionStore _store = NewStore(azurite);

    private static TableSubscriptionStore NewStore(AzuriteFixture azurite) =>
        new(new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString)));

    private async Task<List<Subscriber>> SubscribersAsync(string ticker)
    {
        var list = new List<Subscriber>();
        await foreach (var subscriber in _store.GetSubscribersAsync(ticker, CancellationToken.None))
        {
            list.Add(subscriber);
        }

        return list;
    }

    private static void AssertSameRules(SubscriberRules expected, SubscriberRules actual)
    {
        Assert.Equal(expected.Actions, actual.Actions);
        Assert.Equal(expected.Firms, actual.Firms);
        Assert.Equal(expected.MinTargetChangePct, actual.MinTargetChangePct);
    }

    [Fact]
    public async Task CreateAsync_ThenGetAsync_RoundTripsEveryField()
    {
        var subscription = TestData.Subscription();

        await _store.CreateAsync(subscription, CancellationToken.None);
        var read = await _store.GetAsync(subscription.Id, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(subscription.Id, read.Id);
        Assert.Equal(subscription.Email, read.Email);
        Assert.Equal(subscription.Tickers, read.Tickers);
        Assert.Equal(SubscriptionStatus.Pending, read.Status);
        Assert.Equal(subscription.CreatedAt, read.CreatedAt);
        Assert.Null(read.ConfirmedAt);
        AssertSameRules(subscription.Rules, read.Rules);
        Assert.Equal([RatingAction.Upgrade, RatingAction.TargetCut], read.Rules.Actions);
        Assert.Equal(["JPMorgan", "Morgan Stanley"], read.Rules.Firms);
        Assert.Equal(12.5m, read.Rules.MinTargetChangePct);
    }

    [Fact]
    public async Task CreateAsync_EmptyRules_RoundTripsAsAny()
    {
        var subscription = TestData.Subscription(rules: SubscriberRules.Any, tickers: [TestData.UniqueTicker()]);

        await _store.CreateAsync(subscription, CancellationToken.None);
        var read = await _store.GetAsync(subscription.Id, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Empty(read.Rules.Actions);
        Assert.Empty(read.Rules.Firms);
        Assert.Null(read.Rules.MinTargetChangePct);
        Assert.Equal(subscription.Tickers, read.Tickers);
    }

    [Fact]
    public async Task CreateAsync_FirmNamesWithCommasAndQuotes_RoundTrip()
    {
        var rules = new SubscriberRules { Firms = ["Keefe, Bruyette & Woods", "Firm \"Q\""] };
        var subscription = TestData.Subscription(rules: rules);

        await _store.CreateAsync(subscription, CancellationToken.None);
        await _store.ActivateAsync(subscription, TestData.Now, CancellationToken.None);

        Assert.Equal(rules.Firms, (await _store.GetAsync(subscription.Id, CancellationToken.None))!.Rules.Firms);
        Assert.Equal(rules.Firms, Assert.Single(await SubscribersAsync(subscription.Tickers[0])).Rules.Firms);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await _store.GetAsync(Core.Ids.NewRandom(), CancellationToken.None));
    }

    [Fact]
    public async Task GetSubscribersAsync_PendingSubscription_ReturnsNothing()
    {
        var subscription = TestData.Subscription();

        await _store.CreateAsync(subscription, CancellationToken.None);

        Assert.Empty(await SubscribersAsync(subscription.Tickers[0]));
    }

    [Fact]
    public async Task ActivateAsync_Pending_WritesOneIndexRowPerTickerAndMarksActive()
    {
        var tickers = Enumerable.Range(0, 20).Select(_ => TestData.UniqueTicker()).ToList();
        var subscription = TestData.Subscription(tickers: tickers);
        await _store.CreateAsync(subscription, CancellationToken.None);
        var confirmedAt = TestData.Now.AddMinutes(3);

        await _store.ActivateAsync(subscription, confirmedAt, CancellationToken.None);

        foreach (var ticker in tickers)
        {
            var subscriber = Assert.Single(await SubscribersAsync(ticker));
            Assert.Equal(subscription.Id, subscriber.SubscriptionId);
            Assert.Equal(subscription.Email, subscriber.Email);
            AssertSameRules(subscription.Rules, subscriber.Rules);
        }

        var read = await _store.GetAsync(subscription.Id, CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(SubscriptionStatus.Active, read.Status);
        Assert.Equal(confirmedAt, read.ConfirmedAt);
        Assert.Equal(subscription.CreatedAt, read.CreatedAt);
        Assert.Equal(tickers, read.Tickers);
        AssertSameRules(subscription.Rules, read.Rules);
    }

    [Fact]
    public async Task ActivateAsync_Twice_KeepsOneIndexRowPerTicker()
    {
        var subscription = TestData.Subscription();
        await _store.CreateAsync(subscription, CancellationToken.None);

        await _store.ActivateAsync(subscription, TestData.Now, CancellationToken.None);
        await _store.ActivateAsync(subscription, TestData.Now.AddMinutes(1), CancellationToken.None);

        Assert.Single(await SubscribersAsync(subscription.Tickers[0]));
        Assert.Single(await SubscribersAsync(subscription.Tickers[1]));
    }

    [Fact]
    public async Task GetSubscribersAsync_TickerOfAnotherSubscription_DoesNotReturnIt()
    {
        var followed = TestData.UniqueTicker();
        var other = TestData.UniqueTicker();
        var mine = TestData.Subscription(tickers: [followed]);
        var theirs = TestData.Subscription(tickers: [other]);
        await _store.CreateAsync(mine, CancellationToken.None);
        await _store.CreateAsync(theirs, CancellationToken.None);
        await _store.ActivateAsync(mine, TestData.Now, CancellationToken.None);
        await _store.ActivateAsync(theirs, TestData.Now, CancellationToken.None);

        var ofOther = await SubscribersAsync(other);

        Assert.Equal(theirs.Id, Assert.Single(ofOther).SubscriptionId);
        Assert.Equal(mine.Id, Assert.Single(await SubscribersAsync(followed)).SubscriptionId);
    }

    [Fact]
    public async Task GetSubscribersAsync_SeveralSubscribersOfOneTicker_ReturnsEach()
    {
        var ticker = TestData.UniqueTicker();
        var subscriptions = Enumerable.Range(0, 5).Select(_ => TestData.Subscription(tickers: [ticker])).ToList();
        foreach (var subscription in subscriptions)
        {
            await _store.CreateAsync(subscription, CancellationToken.None);
            await _store.ActivateAsync(subscription, TestData.Now, CancellationToken.None);
        }

        var subscribers = await SubscribersAsync(ticker);

        Assert.Equal(subscriptions.Select(s => s.Id).Order(StringComparer.Ordinal), subscribers.Select(s => s.SubscriptionId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeleteAsync_Active_RemovesIndexRowsAndSubscription()
    {
        var subscription = TestData.Subscription();
        var neighbour = TestData.Subscription(tickers: [subscription.Tickers[0]]);
        foreach (var s in new[] { subscription, neighbour })
        {
            await _store.CreateAsync(s, CancellationToken.None);
            await _store.ActivateAsync(s, TestData.Now, CancellationToken.None);
        }

        await _store.DeleteAsync(subscription, CancellationToken.None);

        Assert.Null(await _store.GetAsync(subscription.Id, CancellationToken.None));
        Assert.Equal(neighbour.Id, Assert.Single(await SubscribersAsync(subscription.Tickers[0])).SubscriptionId);
        Assert.Empty(await SubscribersAsync(subscription.Tickers[1]));
        Assert.NotNull(await _store.GetAsync(neighbour.Id, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_PendingOrAlreadyDeleted_DoesNotThrow()
    {
        var subscription = TestData.Subscription();
        await _store.CreateAsync(subscription, CancellationToken.None);

        await _store.DeleteAsync(subscription, CancellationToken.None);
        await _store.DeleteAsync(subscription, CancellationToken.None);

        Assert.Null(await _store.GetAsync(subscription.Id, CancellationToken.None));
    }

    [Fact]
    public async Task TryCountConfirmationAsync_FourthWithinAnHour_IsRefusedUntilTheHourHasPassed()
    {
        var email = TestData.UniqueEmail();
        var t0 = TestData.Now;

        Task<bool> Count(TimeSpan after) => _store.TryCountConfirmationAsync(email, t0 + after, MaxPerHour, CancellationToken.None);

        Assert.True(await Count(TimeSpan.Zero));
        Assert.True(await Count(TimeSpan.FromMinutes(1)));
        Assert.True(await Count(TimeSpan.FromMinutes(2)));
        Assert.False(await Count(TimeSpan.FromMinutes(3)));
        Assert.False(await Count(TimeSpan.FromMinutes(59)));
        Assert.False(await Count(TimeSpan.FromMinutes(60) - TimeSpan.FromSeconds(1)));

        // The first one left the window; the refusals above counted nothing.
        Assert.True(await Count(TimeSpan.FromMinutes(60) + TimeSpan.FromSeconds(1)));
        Assert.False(await Count(TimeSpan.FromMinutes(60) + TimeSpan.FromSeconds(2)));

        // Two hours on, the window is empty again.
        Assert.True(await Count(TimeSpan.FromHours(3)));
        Assert.True(await Count(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1)));
        Assert.True(await Count(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(2)));
        Assert.False(await Count(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task TryCountConfirmationAsync_AddressInAnotherCase_CountsAsTheSameAddress()
    {
        var local = "Ana." + Guid.NewGuid().ToString("N");
        var now = TestData.Now;

        Assert.True(await _store.TryCountConfirmationAsync($"{local}@Example.COM", now, MaxPerHour, CancellationToken.None));
        Assert.True(await _store.TryCountConfirmationAsync($"{local.ToUpperInvariant()}@example.com", now, MaxPerHour, CancellationToken.None));
        Assert.True(await _store.TryCountConfirmationAsync($"{local.ToLowerInvariant()}@EXAMPLE.com", now, MaxPerHour, CancellationToken.None));

        Assert.False(await _store.TryCountConfirmationAsync($"{local.ToLowerInvariant()}@example.com", now, MaxPerHour, CancellationToken.None));
    }

    [Fact]
    public async Task TryCountConfirmationAsync_OtherAddresses_AreCountedSeparately()
    {
        var first = TestData.UniqueEmail();
        var second = TestData.UniqueEmail();
        for (var i = 0; i < MaxPerHour; i++)
        {
            Assert.True(await _store.TryCountConfirmationAsync(first, TestData.Now, MaxPerHour, CancellationToken.None));
        }

        Assert.False(await _store.TryCountConfirmationAsync(first, TestData.Now, MaxPerHour, CancellationToken.None));
        Assert.True(await _store.TryCountConfirmationAsync(second, TestData.Now, MaxPerHour, CancellationToken.None));
    }

    [Fact]
    public async Task TryCountConfirmationAsync_TenConcurrentCallsForFreshAddress_AllowsExactlyThree()
    {
        for (var round = 0; round < 3; round++)
        {
            var email = TestData.UniqueEmail("race");
            var stores = Enumerable.Range(0, 10).Select(_ => NewStore(azurite)).ToList();

            var results = await Task.WhenAll(stores.Select(s => s.TryCountConfirmationAsync(email, TestData.Now, MaxPerHour, CancellationToken.None)));

            Assert.Equal(MaxPerHour, results.Count(allowed => allowed));
            Assert.False(await _store.TryCountConfirmationAsync(email, TestData.Now, MaxPerHour, CancellationToken.None));
        }
    }
}
