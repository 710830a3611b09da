using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Feeds;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Infrastructure.Feeds;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>
/// The feeds as the hosts compose them (<see cref="FeedsServiceCollectionExtensions.AddAlertsFeeds"/>), over the real
/// ingest (normalizer, Table Storage change log, subscriber index, Storage queue) when a storage account is given, with
/// every log entry kept. Disposing it is a process stop: a new host over the same storage is a restart.
/// </summary>
internal sealed class FeedTestHost : IAsyncDisposable, IDisposable
{
    private readonly ServiceProvider _services;

    private FeedTestHost(ServiceProvider services, ListLoggerProvider logs, TestNewsTextReader reader)
    {
        _services = services;
        Logs = logs;
        Reader = reader;
    }

    public ListLoggerProvider Logs { get; }

    public TestNewsTextReader Reader { get; }

    public IServiceProvider Services => _services;

    public FeedPoller Poller => _services.GetRequiredService<FeedPoller>();

    public IFeedCursorStore Cursors => _services.GetRequiredService<IFeedCursorStore>();

    public IReadOnlyList<IFeedSource> Sources => _services.GetServices<IFeedSource>().ToList();

    /// <param name="settings">The Feeds settings.</param>
    /// <param name="time">The clock; a <see cref="TestClock"/> at the fixtures' day by default.</param>
    /// <param name="storageConnectionString">Azurite's, to compose the real ingest and cursor store; null for the sources alone.</param>
    /// <param name="withReader">Whether an <see cref="INewsTextReader"/> is registered (the host's adapter over the extractor).</param>
    /// <param name="configure">Last-word registrations (a failing store...).</param>
    public static FeedTestHost Create(
        FeedSettings settings,
        TimeProvider? time = null,
        string? storageConnectionString = null,
        bool withReader = true,
        Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Values).Build();
        var logs = new ListLoggerProvider();
        var reader = new TestNewsTextReader();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(time ?? new TestClock());
        if (withReader)
        {
            services.AddSingleton<INewsTextReader>(reader);
        }

        if (storageConnectionString is not null)
        {
            AddIngest(services, storageConnectionString);
        }

        services.AddAlertsFeeds(configuration);
        configure?.Invoke(services);
        return new FeedTestHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }), logs, reader);
    }

    public IFeedSource Source(string name) => Sources.Single(s => s.Name == name);

    public Task<IReadOnlyList<RatingChange>> HistoryAsync(string ticker) =>
        _services.GetRequiredService<IRatingChangeStore>().GetHistoryAsync(ticker, since: null, limit: 1000, CancellationToken.None);

    /// <summary>Log entries at or above <paramref name="level"/> whose message contains <paramref name="text"/>.</summary>
    public IReadOnlyList<LogEntry> Logged(LogLevel level, string text) =>
        Logs.Entries.Where(e => e.Level >= level && e.Message.Contains(text, StringComparison.Ordinal)).ToList();

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    public void Dispose() => _services.Dispose();

    /// <summary>What AddAlerts registers for the ingest, built the same way (see Alerts.Api's AddStorage).</summary>
    private static void AddIngest(IServiceCollection services, string connectionString)
    {
        services.AddOptions<AlertsOptions>();
        services.AddOptions<DeliveryOptions>();
        var tables = new TableServiceClient(connectionString);
        var queues = new QueueServiceClient(connectionString);
        services.AddSingleton(tables);
        services.AddSingleton(queues);
        services.AddSingleton(sp => new StorageBootstrapper(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<QueueServiceClient>()));
        services.AddSingleton(FirmDirectory.Default);
        services.AddSingleton<RatingChangeNormalizer>();
        services.AddSingleton<TableRatingChangeStore>();
        services.AddSingleton<IRatingChangeStore>(sp => sp.GetRequiredService<TableRatingChangeStore>());
        services.AddSingleton<TableSubscriptionStore>();
        services.AddSingleton<ISubscriberIndex>(sp => sp.GetRequiredService<TableSubscriptionStore>());
        services.AddSingleton<IAlertQueue, StorageQueueAlertQueue>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<AlertFanOut>();
        services.AddSingleton<IOutbox, TableOutbox>();
        services.AddSingleton<PendingChangeDispatcher>();
        services.AddSingleton<IFanOutQueue, StorageFanOutQueue>();
        services.AddSingleton<RatingIngestService>();
    }
}
