using Alerts.Api.Http;
using Alerts.Api.Telemetry;
using Alerts.Core;
using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Extraction;
using Alerts.Core.Feeds;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Security;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Channels;
using Alerts.Infrastructure.Email;
using Alerts.Infrastructure.Feeds;
using Alerts.Infrastructure.Securities;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGrid;

namespace Alerts.Api;

/// <summary>
/// Everything Alerts needs, registered once for both hosts (the Functions app and the local runner), so they never drift.
/// </summary>
public static class AlertsServiceCollectionExtensions
{
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Secrets, storage and SendGrid: refused on start when unusable, naming the setting (StartupChecks).
        var startupChecks = new StartupChecks(configuration);
        services.AddSingleton<IValidateOptions<AlertsOptions>>(startupChecks);
        services.AddSingleton<IValidateOptions<WebhookOptions>>(startupChecks);
        services.AddSingleton<IValidateOptions<AdminOptions>>(startupChecks);
        services.AddSingleton<IValidateOptions<StorageOptions>>(startupChecks);
        services.AddSingleton<IValidateOptions<SendGridOptions>>(startupChecks);
        services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName)
            .Validate(o => o.Invalid.Count == 0, "Http:TrustedProxies holds an entry that is neither an IP address nor a CIDR range.")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.AddOptions<ServiceBusOptions>().BindConfiguration(ServiceBusOptions.SectionName);
        services.AddOptions<SendGridOptions>().BindConfiguration(SendGridOptions.SectionName).ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);

        // The Azure SDK logs every request at Information and every expected 409 (a duplicate, a claim taken) at
        // Warning: noise next to ours. Failures that matter surface as exceptions our code logs.
        services.AddLogging(logging => logging.AddFilter("Azure", LogLevel.Error));

        // Rating intelligence
        services.AddSingleton(_ =>
        {
            var path = configuration["Alerts:FirmAliasesPath"];
            return FirmDirectory.Load(string.IsNullOrWhiteSpace(path) ? null : File.ReadAllText(path));
        });
        services.AddSingleton<RatingChangeNormalizer>();

        // The securities master (listed tickers, company names) and the CompanyDirectory read from it; Securities__*
        services.AddAlertsSecurities(configuration);
        services.AddSingleton<NewsTextExtractor>();
        services.AddSingleton<INewsTextReader, ExtractorNewsTextReader>();

        // Ingest, matching, delivery, subscriptions: the application layer
        services.AddSingleton<RatingIngestService>();
        services.AddSingleton<PendingChangeDispatcher>();
        services.AddSingleton<FanOutHandler>();
        services.AddSingleton<PendingChangeSweep>();
        services.AddSingleton<AlertFanOut>();
        services.AddSingleton<DispatchSignal>();
        services.TryAddSingleton<IDispatchWakeUp>(sp => sp.GetRequiredService<DispatchSignal>());
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<DeliveryRouter>();
        services.AddSingleton<DigestSender>();
        services.AddSingleton<DigestEmailComposer>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<UnconfirmedSubscriptionPurger>();
        services.AddSingleton(sp => new LinkTokens(sp.GetRequiredService<IOptions<AlertsOptions>>().Value.SigningKeyList, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Links>();
        services.AddSingleton<AlertEmailComposer>();
        services.AddSingleton<StreetContextReader>();
        services.AddSingleton<ConfirmationEmailComposer>();
        services.AddSingleton<EmailEventProcessor>();

        AddStorage(services, configuration);
        AddAlertQueue(services, configuration);
        AddEmail(services, configuration);

        // Channels beyond email (webhook, Slack, Teams; Channels__*)
        services.AddAlertsChannels(configuration);

        // Feeds polled on a timer (none unless Feeds__Sources__* is set)
        services.AddAlertsFeeds(configuration);

        // Traces and metrics (OpenTelemetry): Azure Monitor when its connection string is set, the console on request
        services.AddAlertsTelemetry(configuration);

        // The HTTP surface
        services.AddSingleton<RatingsApi>();
        services.AddSingleton<SubscriptionsApi>();
        services.AddSingleton<ClientAddresses>();
        services.AddSingleton<ClientRateLimiter>();
        services.AddSingleton<SendGridEventsApi>();
        services.AddSingleton<AdminApi>();
        services.AddSingleton<HealthApi>();
        services.AddSingleton<TickerPageApi>();
        return services;
    }

    private static void AddStorage(IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(_ => new DefaultAzureCredential());
            clients.ConfigureDefaults((options, provider) =>
            {
                // Fail fast while storage is down so that callers answer 503 instead of hanging.
                options.Retry.MaxRetries = 2;
                options.Retry.Mode = RetryMode.Exponential;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);

                // The SDK's request log is forwarded to ILogger at every level and filtered there, so with it on every request
                // pays for writing out its headers, only for the filter above to drop them. It is on only when someone lowers
                // the "Azure" filter to read it (e.g. Logging__LogLevel__Azure.Core=Information).
                options.Diagnostics.IsLoggingEnabled = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Azure.Core").IsEnabled(LogLevel.Warning);
            });

            if (storage.TableServiceUri is { } tableUri)
            {
                clients.AddTableServiceClient(tableUri);
            }
            else
            {
                clients.AddTableServiceClient(storage.ConnectionString);
            }

            if (storage.QueueServiceUri is { } queueUri)
            {
                clients.AddQueueServiceClient(queueUri);
            }
            else
            {
                clients.AddQueueServiceClient(storage.ConnectionString);
            }

            var serviceBus = configuration.GetSection(ServiceBusOptions.SectionName).Get<ServiceBusOptions>() ?? new ServiceBusOptions();
            if (!string.IsNullOrWhiteSpace(serviceBus.ConnectionString))
            {
                clients.AddServiceBusClient(serviceBus.ConnectionString);
            }
            else if (!string.IsNullOrWhiteSpace(serviceBus.FullyQualifiedNamespace))
            {
                clients.AddServiceBusClientWithNamespace(serviceBus.FullyQualifiedNamespace);
            }
        });

        services.AddSingleton(sp => new StorageBootstrapper(
            sp.GetRequiredService<TableServiceClient>(),
            sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value.IsConfigured ? null : sp.GetRequiredService<QueueServiceClient>()));
        services.AddSingleton<TableRatingChangeStore>();
        services.AddSingleton<IRatingChangeStore>(sp => sp.GetRequiredService<TableRatingChangeStore>());
        services.AddSingleton(sp => new SubscriberIndexCache(
            sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.IndexCacheSeconds)));
        services.AddSingleton<TableSubscriptionStore>();
        services.AddSingleton<ISubscriptionStore>(sp => sp.GetRequiredService<TableSubscriptionStore>());
        services.AddSingleton<ISubscriberIndex>(sp => sp.GetRequiredService<TableSubscriptionStore>());
        services.AddSingleton<ISentAlertLog, TableSentAlertLog>();
        services.AddSingleton<ISuppressionList, TableSuppressionList>();
        services.AddSingleton<IOutbox, TableOutbox>();
        services.AddSingleton<StorageFanOutQueue>();
        services.AddSingleton<IFanOutQueue>(sp => sp.GetRequiredService<StorageFanOutQueue>());
        services.AddSingleton<TableHeldAlertStore>();
        services.AddSingleton<IHeldAlertStore>(sp => sp.GetRequiredService<TableHeldAlertStore>());
        services.AddSingleton<IHourlySendCounter>(sp => sp.GetRequiredService<TableHeldAlertStore>());
    }

    private static void AddAlertQueue(IServiceCollection services, IConfiguration configuration)
    {
        var serviceBus = configuration.GetSection(ServiceBusOptions.SectionName).Get<ServiceBusOptions>() ?? new ServiceBusOptions();
        if (serviceBus.IsConfigured)
        {
            services.AddSingleton<IAlertQueue>(sp =>
            {
                var client = sp.GetRequiredService<ServiceBusClient>();
                var queueName = sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value.QueueName;
                return new ServiceBusAlertQueue(
                    client.CreateSender(queueName),
                    client.CreateReceiver(queueName, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock }),
                    client.CreateReceiver(queueName, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, SubQueue = SubQueue.DeadLetter }));
            });
            services.AddSingleton(sp => (IDeadLetterQueue)sp.GetRequiredService<IAlertQueue>());
        }
        else
        {
            services.AddSingleton<StorageQueueAlertQueue>();
            services.AddSingleton<IAlertQueue>(sp => sp.GetRequiredService<StorageQueueAlertQueue>());
            services.AddSingleton<IDeadLetterQueue>(sp => sp.GetRequiredService<StorageQueueAlertQueue>());
        }
    }

    private static void AddEmail(IServiceCollection services, IConfiguration configuration)
    {
        var sendGrid = configuration.GetSection(SendGridOptions.SectionName).Get<SendGridOptions>() ?? new SendGridOptions();
        if (!string.IsNullOrWhiteSpace(sendGrid.ApiKey))
        {
            services.AddSingleton<ISendGridClient>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SendGridOptions>>().Value;
                var clientOptions = new SendGridClientOptions { ApiKey = options.ApiKey };
                if (!string.IsNullOrWhiteSpace(options.Host))
                {
                    clientOptions.Host = options.Host;
                }

                return new SendGridClient(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, clientOptions);
            });
            services.AddSingleton<SendGridEmailSender>();
            services.AddSingleton<IEmailSender>(sp => new TracedEmailSender(sp.GetRequiredService<SendGridEmailSender>()));
        }
        else
        {
            services.AddSingleton<PickupDirectoryEmailSender>();
            services.AddSingleton<IEmailSender>(sp => new TracedEmailSender(sp.GetRequiredService<PickupDirectoryEmailSender>()));
        }
    }
}
