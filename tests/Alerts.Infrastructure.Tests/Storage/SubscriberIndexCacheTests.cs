using Alerts.Core.Matching;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Infrastructure.Tests.Storage;

/// <summary>The index partitions kept for a few seconds: reused while fresh, dropped at once by this process's writes.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubscriberIndexCacheTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(TestData.Now);
    private readonly StorageBootstrapper _storage = new(new TableServiceClient(azurite.ConnectionString), new QueueServiceClient(azurite.ConnectionString));

    private TableSubscriptionStore Store(SubscriberIndexCache? cache = null) => new(_storage, cache ?? new SubscriberIndexCache(_time, Lifetime));

    private static async Task<List<string>> EmailsAsync(TableSubscriptionStore store, string ticker)
    {
        var emails = new List<string>();
        await foreach (var subscriber in store.GetSubscribersAsync(ticker, CancellationToken.None))
        {
            emails.Add(subscriber.Email);
        }

        return emails;
    }

    private async Task<Subscription> SubscribeAsync(TableSubscriptionStore store, string ticker)
    {
        var subscription = TestData.Subscription(tickers: [ticker]);
        await store.CreateAsync(subscription, CancellationToken.None);
        await store.ActivateAsync(subscription, TestData.Now, CancellationToken.None);
        return subscription;
    }

    /// <summary>A row written by someone else (another instance): straight into the table.</summary>
    private async Task WriteRowElsewhereAsync(string ticker, Subscription subscription) =>
        await _storage.Table(StorageNames.SubscriberIndexTable).UpsertEntityAsync(TableSubscriptionStore.IndexRow(ticker, subscription));

    [Fact]
    public async Task AnotherInstancesWrite_IsSeenOnceTheCachedPartitionIsOld()
    {
        var store = Store();
        var ticker = TestData.UniqueTicker();
        var first = await SubscribeAsync(store, ticker);
        Assert.Equal([first.Email], await EmailsAsync(store, ticker));

        var second = TestData.Subscription(tickers: [ticker]);
        await WriteRowElsewhereAsync(ticker, second);

        Assert.Equal([first.Email], await EmailsAsync(store, ticker)); // the partition read a moment ago
        _time.Advance(Lifetime);
        Assert.Equal(new[] { first.Email, second.Email }.Order(StringComparer.Ordinal), (await EmailsAsync(store, ticker)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ThisProcesssWrites_AreSeenAtOnce()
    {
        var store = Store();
        var ticker = TestData.UniqueTicker();
        var first = await SubscribeAsync(store, ticker);
        Assert.Single(await EmailsAsync(store, ticker));

        var second = await SubscribeAsync(store, ticker);
        Assert.Equal(2, (await EmailsAsync(store, ticker)).Count);

        await store.DeleteAsync(first, CancellationToken.None);
        Assert.Equal([second.Email], await EmailsAsync(store, ticker));
    }

    [Fact]
    public async Task LifetimeZero_ReadsThePartitionEveryTime()
    {
        var store = Store(new SubscriberIndexCache(_time, TimeSpan.Zero));
        var ticker = TestData.UniqueTicker();
        await SubscribeAsync(store, ticker);
        Assert.Single(await EmailsAsync(store, ticker));

        await WriteRowElsewhereAsync(ticker, TestData.Subscription(tickers: [ticker]));

        Assert.Equal(2, (await EmailsAsync(store, ticker)).Count);
    }

    [Fact]
    public async Task ATickerWithMoreRowsThanTheLimit_IsNotKept()
    {
        var cache = new SubscriberIndexCache(_time, Lifetime);
        var rows = Enumerable.Range(0, SubscriberIndexCache.MaxRowsPerTicker + 1)
            .Select(i => new Subscriber($"sub-{i}", $"u{i}@example.com", SubscriberRules.Any)).ToArray();
        var pages = rows.Chunk(1000).Select(SubscriberPage.Of).ToArray();

        cache.TryAdd("BIG", pages, cache.Generation, cache.Timestamp());
        cache.TryAdd("SMALL", [SubscriberPage.Of(rows[..10])], cache.Generation, cache.Timestamp());

        Assert.Null(cache.Get("BIG"));
        Assert.Equal(10, cache.Get("SMALL")!.Sum(p => p.Count));
    }

    [Fact]
    public void AWriteDuringTheRead_KeepsTheReadRowsOut()
    {
        var cache = new SubscriberIndexCache(_time, Lifetime);
        var generation = cache.Generation;
        var loadedAt = cache.Timestamp();

        cache.Invalidate(["OTHER"]); // a write lands while the partition is being read
        cache.TryAdd("CIFR", [SubscriberPage.Of([new Subscriber("sub-1", "a@example.com", SubscriberRules.Any)])], generation, loadedAt);

        Assert.Null(cache.Get("CIFR"));
    }

    [Fact]
    public void AReadDroppedForARacingWrite_DoesNotDropAReadThatStartedAfterTheWrite()
    {
        var cache = new SubscriberIndexCache(_time, Lifetime);
        SubscriberPage[] Pages() => [SubscriberPage.Of([new Subscriber("sub-1", "a@example.com", SubscriberRules.Any)])];
        var beforeWrite = cache.Generation;
        cache.Invalidate(["OTHER"]); // a write lands while CIFR's partition is being read
        var afterWrite = cache.Generation; // NVDA's read starts after it

        cache.TryAdd("CIFR", Pages(), beforeWrite, cache.Timestamp()); // may be stale: not kept
        cache.TryAdd("NVDA", Pages(), afterWrite, cache.Timestamp()); // read after the write: kept

        Assert.Null(cache.Get("CIFR"));
        Assert.NotNull(cache.Get("NVDA"));
    }

    [Fact]
    public async Task HasFollowers_IsReadOnce_KeptWhileFresh_SharedByConcurrentAsks_AndDroppedByAWrite()
    {
        var reads = new IndexReadCounter();
        var options = new TableClientOptions();
        options.AddPolicy(reads, Azure.Core.HttpPipelinePosition.PerCall);
        var storage = new StorageBootstrapper(new TableServiceClient(azurite.ConnectionString, options), new QueueServiceClient(azurite.ConnectionString));
        var store = new TableSubscriptionStore(storage, new SubscriberIndexCache(_time, Lifetime));
        var ticker = TestData.UniqueTicker();
        var subscription = TestData.Subscription(tickers: [ticker]);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        await WriteRowElsewhereAsync(ticker, subscription);

        // 50 posts at once on a followed ticker nobody has asked about: one read between them.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => store.HasFollowersAsync(ticker, CancellationToken.None)));
        Assert.All(answers, Assert.True);
        Assert.Equal(1, reads.Count);

        // Kept while fresh, read again once old.
        Assert.True(await store.HasFollowersAsync(ticker, CancellationToken.None));
        Assert.Equal(1, reads.Count);
        _time.Advance(Lifetime);
        Assert.True(await store.HasFollowersAsync(ticker, CancellationToken.None));
        Assert.Equal(2, reads.Count);

        // This process's write drops the kept answer at once.
        await store.DeleteAsync(subscription, CancellationToken.None);
        Assert.False(await store.HasFollowersAsync(ticker, CancellationToken.None));
        Assert.Equal(3, reads.Count);
    }

    [Fact]
    public void AnAnswerReadWhileAWriteLanded_IsNotKept()
    {
        var cache = new SubscriberIndexCache(_time, Lifetime);
        var generation = cache.Generation;
        cache.Invalidate(["CIFR"]);

        cache.TryAddFollowed("CIFR", generation, cache.Timestamp());
        cache.TryAddFollowed("NVDA", cache.Generation, cache.Timestamp());

        Assert.Null(cache.HasFollowers("CIFR"));
        Assert.True(cache.HasFollowers("NVDA"));
        _time.Advance(Lifetime);
        Assert.Null(cache.HasFollowers("NVDA"));
    }

    /// <summary>Counts the requests that read the subscriber index.</summary>
    private sealed class IndexReadCounter : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(Azure.Core.HttpMessage message)
        {
            if (message.Request.Method == Azure.Core.RequestMethod.Get && message.Request.Uri.Path.Contains(StorageNames.SubscriberIndexTable, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
