namespace Alerts.Infrastructure.Storage;

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
