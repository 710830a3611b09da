using System.Net;
using Alerts.Core.Feeds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Feeds;

/// <summary>Registers the polled feeds: their options, one source (and one HttpClient) per configured source, the cursor store and the poller.</summary>
public static class FeedsServiceCollectionExtensions
{
    /// <summary>
    /// Registers what polls the feeds of section <c>Feeds</c>. Needs what <c>AddAlerts</c> registers (the ingest service,
    /// the storage bootstrapper) and, for Rss sources, an <see cref="INewsTextReader"/>. A bad setting fails at start.
    /// </summary>
    public static IServiceCollection AddAlertsFeeds(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(FeedsOptions.SectionName);
        services.AddOptions<FeedsOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeedsOptions>, FeedsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The sources are known now, from configuration: each gets its own named HttpClient, made once and kept.
        var configured = section.Get<FeedsOptions>() ?? new FeedsOptions();
        for (var i = 0; i < configured.Sources.Count; i++)
        {
            var index = i;
            services.AddHttpClient(FeedSourceFactory.ClientName(configured.Sources[i].Name, index), client =>
                {
                    // Polly times each attempt (FeedsOptions.RequestTimeoutSeconds); HttpClient's own timeout would cut across it.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("Alerts-FeedPoller/1.0");
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    // A long-lived client still follows DNS changes: connections are renewed every few minutes.
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    AutomaticDecompression = DecompressionMethods.All,
                })
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                .RemoveAllLoggers();
            services.AddSingleton<IFeedSource>(sp => FeedSourceFactory.Create(sp, index));
        }

        services.TryAddSingleton<IFeedCursorStore, TableFeedCursorStore>();

        // Benzinga's data webhook (POST /api/feeds/benzinga): off until Feeds__BenzingaPush__Tokens is set.
        services.AddOptions<BenzingaPushOptions>().Bind(configuration.GetSection(BenzingaPushOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.GetTokens().All(t => t.Length >= BenzingaPushOptions.MinTokenLength), $"Feeds__BenzingaPush__Tokens: each token must be at least {BenzingaPushOptions.MinTokenLength} characters")
            .ValidateOnStart();
        services.TryAddSingleton<IFeedDeliveryLog, TableFeedDeliveryLog>();
        services.TryAddSingleton<BenzingaPushReceiver>();
        services.TryAddSingleton<FeedPoller>();
        return services;
    }
}
