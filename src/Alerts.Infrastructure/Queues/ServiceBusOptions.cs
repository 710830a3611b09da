namespace Alerts.Infrastructure.Queues;

/// <summary>Service Bus settings (section <c>ServiceBus</c>). When neither is set, alerts travel on a Storage queue.</summary>
public sealed class ServiceBusOptions
{
    public const string SectionName = "ServiceBus";

    public string? ConnectionString { get; set; }

    /// <summary>In Azure: <c>NAMESPACE.servicebus.windows.net</c>, used with the app's managed identity.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The queue of alerts. The default is <c>alerts</c>.</summary>
    public string QueueName { get; set; } = "alerts";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);
}
