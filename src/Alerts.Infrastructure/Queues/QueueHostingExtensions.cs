using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Alerts.Infrastructure.Queues;

/// <summary>What each host adds on top of AddAlerts to drive the queue-triggered steps.</summary>
public static class QueueHostingExtensions
{
    /// <summary>The local runner, which has no Functions queue trigger: a listener on the <c>changes</c> queue runs the fan-out step.</summary>
    public static IServiceCollection AddFanOutQueueListener(this IServiceCollection services) =>
        services.AddHostedService<FanOutQueueListener>();

    /// <summary>The Functions app: the dispatcher is woken by a message on the <c>dispatch</c> queue (its queue trigger).</summary>
    public static IServiceCollection AddDispatchWakeUpQueue(this IServiceCollection services) =>
        services.AddSingleton<IDispatchWakeUp, StorageDispatchWakeUp>();

    /// <summary>
    /// The Functions app: the digest job is woken at each due minute by a message on the <c>digests</c> queue (its queue
    /// trigger), which holding an alert sends; the timer is only a slow safety net.
    /// </summary>
    public static IServiceCollection AddDigestWakeUpQueue(this IServiceCollection services)
    {
        services.AddSingleton<IDigestWakeUp, StorageDigestWakeUp>();
        services.Replace(ServiceDescriptor.Singleton<IHeldAlertStore>(sp =>
            new WakingHeldAlertStore(sp.GetRequiredService<TableHeldAlertStore>(), sp.GetRequiredService<IDigestWakeUp>())));
        return services;
    }
}
