using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Infrastructure.Queues;

/// <summary>What a host without the Functions queue trigger (the local runner) adds to drive the fan-out step.</summary>
public static class FanOutQueueListenerExtensions
{
    public static IServiceCollection AddFanOutQueueListener(this IServiceCollection services) =>
        services.AddHostedService<FanOutQueueListener>();
}
