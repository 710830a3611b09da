using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Email;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendGrid;

namespace Alerts.Infrastructure;

/// <summary>
/// The Azure and SendGrid side of the app, in one place for both hosts: the Table Storage, Storage queue and Service Bus
/// clients (by connection string locally, by URI with the app's managed identity in Azure: <see cref="AzureIdentity"/>),
/// the stores and queues built on them, and the email carrier (SendGrid, on an <see cref="IHttpClientFactory"/> client,
/// or the pickup directory).
/// </summary>
public static class InfrastructureServiceCollectionExtensions
{
    /// <summary>The named <see cref="HttpClient"/> SendGrid's client is given (<see cref="IHttpClientFactory"/>).</summary>
    public const string SendGridHttpClientName = "SendGrid";

    /// <summary>
    /// How long one SendGrid request may take. A request carries up to a thousand recipients (<c>EmailBatch.MaxRecipients</c>);
    /// past this it counts as a transient failure and is retried.
    /// </summary>
    public static readonly TimeSpan SendGridTimeout = TimeSpan.FromSeconds(30);

    /// <param name="services">The app's services.</param>
    /// <param name="configuration">Sections <c>Storage</c>, <c>ServiceBus</c>, <c>SendGrid</c>, and <c>AZURE_CLIENT_ID</c>.</param>
    /// <param name="local">Local mode (a developer's machine): reaching a real account by URI signs in as the developer, not as a managed identity.</param>
    public static IServiceCollection AddAlertsInfrastructure(this IServiceCollection services, IConfiguration configuration, bool local)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.AddOptions<ServiceBusOptions>().BindConfiguration(ServiceBusOptions.SectionName);
        services.AddOptions<SendGridOptions>().BindConfiguration(SendGridOptions.SectionName).ValidateOnStart();

        var identity = AzureIdentity.Choose(configuration[AzureIdentity.ClientIdSetting], local);
        AddStorage(services, configuration, identity);
        AddAlertQueue(services, configuration);
        AddEmail(services, configuration);
        return services;
    }

    private static void AddStorage(IServiceCollection services, IConfiguration configuration, AzureIdentity identity)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        services.AddAzureClients(clients =>
        {
            // Used only by the clients made from a URI (in Azure); connection strings carry their own key.
            clients.UseCredential(_ => identity.ToCredential());
            clients.ConfigureDefaults((options, provider) =>
            {
                // Fail fast while storage is down so that callers answer 503 instead of hanging.
                options.Retry.MaxRetries = 2;
                options.Retry.Mode = RetryMode.Exponential;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);

                // The SDK's request log is forwarded to ILogger at every level and filtered there, so with it on every request
                // pays for writing out its headers, only for the filter to drop them. It is on only when someone lowers
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
            // A client per send, on an HttpClient from the factory: its handlers are pooled and renewed (DNS changes are
            // followed), which one HttpClient kept for the life of the process would not do.
            services.AddHttpClient(SendGridHttpClientName, client => client.Timeout = SendGridTimeout)
                .AddTypedClient<ISendGridClient>((http, sp) =>
                {
                    var options = sp.GetRequiredService<IOptions<SendGridOptions>>().Value;
                    var clientOptions = new SendGridClientOptions { ApiKey = options.ApiKey };
                    if (!string.IsNullOrWhiteSpace(options.Host))
                    {
                        clientOptions.Host = options.Host;
                    }

                    return new SendGridClient(http, clientOptions);
                });
            services.AddSingleton(sp => new SendGridEmailSender(() => sp.GetRequiredService<ISendGridClient>()));
            services.AddSingleton<IEmailSender>(sp => new TracedEmailSender(sp.GetRequiredService<SendGridEmailSender>()));
        }
        else
        {
            services.AddSingleton<PickupDirectoryEmailSender>();
            services.AddSingleton<IEmailSender>(sp => new TracedEmailSender(sp.GetRequiredService<PickupDirectoryEmailSender>()));
        }
    }
}
