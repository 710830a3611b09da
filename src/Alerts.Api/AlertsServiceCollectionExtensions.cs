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
using Alerts.Infrastructure;
using Alerts.Infrastructure.Channels;
using Alerts.Infrastructure.Email;
using Alerts.Infrastructure.Feeds;
using Alerts.Infrastructure.Securities;
using Alerts.Infrastructure.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        services.AddSingleton<CorrectionDispatcher>();
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

        // Azure (tables, queues, Service Bus) and SendGrid: Alerts.Infrastructure
        services.AddAlertsInfrastructure(configuration, HostingMode.IsLocal(configuration));

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
        services.AddSingleton<AdminKeys>();
        services.AddSingleton<BenzingaPushApi>();
        services.AddSingleton<AdminApi>();
        services.AddSingleton<HealthApi>();
        services.AddSingleton<TickerPageApi>();
        return services;
    }
}
