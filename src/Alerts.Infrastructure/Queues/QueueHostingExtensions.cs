using Alerts.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;

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
}
