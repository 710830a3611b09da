namespace Alerts.Api;

/// <summary>Table Storage and Storage queue settings (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>A connection string (local work). The default is <c>UseDevelopmentStorage=true</c> (Azurite). Ignored when service URIs are set.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>In Azure: <c>https://ACCOUNT.table.core.windows.net</c>, used with the app's managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>In Azure: <c>https://ACCOUNT.queue.core.windows.net</c>, used with the app's managed identity.</summary>
    public Uri? QueueServiceUri { get; set; }
}

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
