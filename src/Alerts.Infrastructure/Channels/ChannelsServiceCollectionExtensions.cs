using Alerts.Core.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Infrastructure.Channels;

/// <summary>The channels beyond email (<c>Channels__*</c> settings): verification, the delivery queue and its handler.</summary>
public static class ChannelsServiceCollectionExtensions
{
    /// <summary>Everything both hosts need; the queue's reader is the host's (its queue trigger, or <see cref="AddChannelQueueListener"/>).</summary>
    public static IServiceCollection AddAlertsChannels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ChannelOptions>().BindConfiguration(ChannelOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HttpChannelTransport>();
        services.AddSingleton<IChannelTransport>(sp => sp.GetRequiredService<HttpChannelTransport>());
        services.AddSingleton<StorageChannelDeliveryQueue>();
        services.AddSingleton<IChannelDeliveryQueue>(sp => sp.GetRequiredService<StorageChannelDeliveryQueue>());
        services.AddSingleton<IChannelStateStore, TableChannelStateStore>();
        services.AddSingleton<ChannelSetup>();
        services.AddSingleton<ChannelDeliveryHandler>();
        return services;
    }

    /// <summary>The local runner, which has no Functions queue trigger: a listener on <c>channel-deliveries</c>.</summary>
    public static IServiceCollection AddChannelQueueListener(this IServiceCollection services) =>
        services.AddHostedService<ChannelQueueListener>();
}
